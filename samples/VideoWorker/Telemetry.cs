using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TaskProtection;

namespace VideoWorker;

/// <summary>
/// TaskProtection's meter and activity source exported with OpenTelemetry, as a user's dashboards would receive them:
/// to the console with <c>--otel console</c>, and over OTLP whenever <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// exporter reads that variable, and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, itself).
/// </summary>
internal static class Telemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Metrics are exported this often, so a demo of a few seconds shows them (OpenTelemetry's default is 60 s).</summary>
    private const int ExportIntervalMilliseconds = 5_000;

    public static void AddSampleTelemetry(this IServiceCollection services, bool console)
    {
        bool otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
        if (!console && !otlp)
        {
            return;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("VideoWorker"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TaskProtectionDiagnostics.MeterName);
                if (console)
                {
                    metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = ExportIntervalMilliseconds);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = ExportIntervalMilliseconds);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(TaskProtectionDiagnostics.ActivitySourceName);
                if (console)
                {
                    tracing.AddConsoleExporter();
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
    }
}

using System.Globalization;

namespace VideoWorker;

/// <summary>The sample's command line: <c>--jobs N --job-seconds S --concurrency C --serve --otel console</c>.</summary>
public sealed record SampleOptions(int Jobs, double JobSeconds, int Concurrency, bool Serve)
{
    /// <summary>Whether TaskProtection's metrics and traces are written to the console (<c>--otel console</c>).</summary>
    public bool OtelConsole { get; init; }

    public const string Usage =
        "Usage: dotnet run --project samples/VideoWorker [-- --jobs N] [--job-seconds S] [--concurrency C] [--serve]\n" +
        "  --jobs N          jobs to process (default 4; with --serve, 0 idles)\n" +
        "  --job-seconds S   how long each simulated transcode takes (default 9)\n" +
        "  --concurrency C   jobs processed at once (default 2)\n" +
        "  --serve           keep running as a worker until stopped (SIGTERM or Ctrl+C), instead of exiting when done\n" +
        "  --otel console    write TaskProtection's metrics and traces to the console with OpenTelemetry\n" +
        "                    (OTLP export is on whenever OTEL_EXPORTER_OTLP_ENDPOINT is set)";

    public static SampleOptions Parse(IReadOnlyList<string> args)
    {
        int jobs = 4;
        double jobSeconds = 9;
        int concurrency = 2;
        bool serve = false;
        bool otelConsole = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--jobs":
                    jobs = ParseInt(args, ref i, minimum: 0);
                    break;
                case "--job-seconds":
                    jobSeconds = ParseDouble(args, ref i);
                    break;
                case "--concurrency":
                    concurrency = ParseInt(args, ref i, minimum: 1);
                    break;
                case "--serve":
                    serve = true;
                    break;
                case "--otel":
                    otelConsole = ++i < args.Count && args[i] == "console"
                        ? true
                        : throw new ArgumentException($"--otel takes 'console' (OTLP export is on whenever OTEL_EXPORTER_OTLP_ENDPOINT is set).\n{Usage}");
                    break;
                case "--help" or "-h":
                    throw new ArgumentException(Usage);
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }

        if (jobs == 0 && !serve)
        {
            throw new ArgumentException($"--jobs 0 makes sense only with --serve (an idle worker).\n{Usage}");
        }

        return new SampleOptions(jobs, jobSeconds, concurrency, serve) { OtelConsole = otelConsole };
    }

    private static int ParseInt(IReadOnlyList<string> args, ref int i, int minimum)
    {
        string name = args[i];
        if (++i >= args.Count || !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            throw new ArgumentException($"{name} needs a whole number ≥ {minimum}.\n{Usage}");
        }

        return value;
    }

    private static double ParseDouble(IReadOnlyList<string> args, ref int i)
    {
        string name = args[i];
        if (++i >= args.Count || !double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value > 86_400)
        {
            throw new ArgumentException($"{name} needs a number of seconds above 0 (at most 86400).\n{Usage}");
        }

        return value;
    }
}

using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TaskProtection;
using TaskProtection.Testing;
using VideoWorker;

// dotnet run --project samples/VideoWorker [-- --jobs N --job-seconds S --concurrency C --serve --otel console]
SampleOptions options;
try
{
    options = SampleOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var timeline = new Timeline(Console.Out);
var statistics = new RunStatistics();

// In ECS, ECS_AGENT_URI is set and this is the production path. Locally, a fake agent stands in for it.
string? agentUri = Environment.GetEnvironmentVariable(EcsAgentClient.AgentUriVariable);
await using FakeEcsAgent? embeddedAgent = string.IsNullOrWhiteSpace(agentUri) ? await FakeEcsAgent.StartAsync() : null;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
if (embeddedAgent is not null)
{
    builder.Configuration.AddJsonFile("appsettings.Demo.json", optional: false);
    builder.Configuration.AddEnvironmentVariables(); // the environment still wins over the demo settings
    builder.Configuration.AddInMemoryCollection([new("TaskProtection:AgentUri", embeddedAgent.AgentUri.ToString())]);
}

TaskProtectionManager? manager = null;
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.AddFilter<ConsoleLoggerProvider>("TaskProtection", LogLevel.None); // the timeline shows these
builder.Logging.AddProvider(new TimelineLoggerProvider(timeline, statistics, () => manager));
builder.Logging.AddFilter<TimelineLoggerProvider>("TaskProtection", LogLevel.Debug);

builder.Services.AddTaskProtection();
builder.Services.AddSampleTelemetry(options.OtelConsole);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(timeline);
builder.Services.AddSingleton(statistics);
builder.Services.AddSingleton<JobInbox>();
builder.Services.AddSingleton<Transcoder>();
builder.Services.AddHostedService<TranscodeWorker>();
builder.Services.AddHostedService<Heartbeat>();

using IHost host = builder.Build();
try
{
    manager = host.Services.GetRequiredService<TaskProtectionManager>();
}
catch (Microsoft.Extensions.Options.OptionsValidationException invalid)
{
    // The message says what to change; a stack trace would only bury it.
    Console.Error.WriteLine("VideoWorker: " + invalid.Message);
    return 1;
}

TaskProtectionOptions settings = manager.Options;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"VideoWorker: {options.Jobs} jobs of {options.JobSeconds} s, {options.Concurrency} at a time{(options.Serve ? ", serving until stopped (Ctrl+C)" : "")}."));
Console.WriteLine(embeddedAgent is not null
    ? $"Agent: embedded FakeEcsAgent at {embeddedAgent.AgentUri} (ECS_AGENT_URI is not set; in ECS it is)."
    : $"Agent: {agentUri} (ECS_AGENT_URI).");
// A serving worker keeps protection ReleaseDelay after its last job, in case another comes; this run stops once its
// jobs are done, and a stop releases at once.
string release = options.Serve
    ? string.Create(CultureInfo.InvariantCulture, $"released {settings.ReleaseDelay.TotalSeconds:0} s after the last job")
    : string.Create(CultureInfo.InvariantCulture, $"released at once when the demo stops after its last job (serving, it would wait {settings.ReleaseDelay.TotalSeconds:0} s for another)");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Lease {settings.ExpiresInMinutes} min, renewed when {settings.ProtectionBuffer.TotalSeconds:0} s are left, {release}; drain on SIGTERM up to {settings.DrainTimeout.TotalSeconds:0} s."));
Console.WriteLine($"timeline starts at {timeline.StartedAt.ToString("O", CultureInfo.InvariantCulture)}");

JobInbox queue = host.Services.GetRequiredService<JobInbox>();
for (int i = 1; i <= options.Jobs; i++)
{
    queue.Add(new VideoJob(i, $"s3://videos/raw/clip-{i:00}.mov", TimeSpan.FromSeconds(options.JobSeconds)));
}

if (!options.Serve)
{
    queue.Complete();
}

// Not RunAsync: it disposes the host, and the summary below still reads its services.
await host.StartAsync();
await host.WaitForShutdownAsync();

// The summary. With the embedded agent it checks the agent's own record: every job's body ran while the agent held
// protection. Against a real agent, the manager's count of lapses says the same from this side.
DateTimeOffset now = DateTimeOffset.UtcNow;
TaskProtectionStatus status = manager.GetStatus();
IReadOnlyList<JobInterval> jobs = statistics.CompletedJobs;
int gaps;
TimeSpan protectedFor;
if (embeddedAgent is not null)
{
    IReadOnlyList<UnprotectedInterval> unprotected = embeddedAgent.Model.UnprotectedIntervals(timeline.StartedAt);
    gaps = jobs.Count(job => unprotected.Any(u => u.From < job.End && u.To > job.Start));
    protectedFor = (now - timeline.StartedAt) - unprotected.Aggregate(TimeSpan.Zero, (sum, u) => sum + (Min(u.To, now) - Min(u.From, now)));
}
else
{
    gaps = (int)status.Lapses;
    protectedFor = statistics.ProtectedTime(now);
}

timeline.Write(string.Create(CultureInfo.InvariantCulture,
    $"summary: {jobs.Count} jobs finished, {queue.Reader.Count} left queued, {status.AgentCalls} agent calls, protected for {protectedFor.TotalSeconds:0.0} s, gaps while jobs ran: {gaps}, abandoned: {status.AbandonedSessions}"));
return gaps == 0 ? 0 : 1;

static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

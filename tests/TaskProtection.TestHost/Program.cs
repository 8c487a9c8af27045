using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskProtection;
using TaskProtection.TestHost;

// Usage: TaskProtection.TestHost [--session-seconds S] [--drain-seconds S] [--no-host]
// Reads ECS_AGENT_URI like any app. Prints READY once started and SESSION STARTED / SESSION ENDED around its one job.
// --no-host runs without the generic host, through TaskProtectionShutdown.RunUntilStoppedAsync.
// --coordinated SEED SESSIONS runs SESSIONS overlapping sessions as one of several processes sharing CoordinationDirectory.
// --hold FILE [--force-disable-after MS] holds one session until FILE exists, as one of several coordinated processes.
// --quartz SECONDS runs a Quartz.NET worker with UseTaskProtection() whose one job takes SECONDS.
// --hangfire SECONDS and --masstransit SECONDS do the same with a Hangfire server and a MassTransit consumer.
// --starve acquire|lapse starves the thread pool while protection needs the loop (see StarvedWorker).
int starve = Array.IndexOf(args, "--starve");
if (starve >= 0)
{
    return StarvedWorker.Run(args[starve + 1]);
}

int coordinated = Array.IndexOf(args, "--coordinated");
if (coordinated >= 0)
{
    return await CoordinatedWorker.RunAsync(
        int.Parse(args[coordinated + 1], CultureInfo.InvariantCulture),
        int.Parse(args[coordinated + 2], CultureInfo.InvariantCulture));
}

int hold = Array.IndexOf(args, "--hold");
if (hold >= 0)
{
    int force = Array.IndexOf(args, "--force-disable-after");
    return await HoldingWorker.RunAsync(args[hold + 1], force >= 0 ? TimeSpan.FromMilliseconds(int.Parse(args[force + 1], CultureInfo.InvariantCulture)) : null);
}

int quartz = Array.IndexOf(args, "--quartz");
if (quartz >= 0)
{
    return await QuartzWorker.RunAsync(TimeSpan.FromSeconds(double.Parse(args[quartz + 1], CultureInfo.InvariantCulture)));
}

int hangfire = Array.IndexOf(args, "--hangfire");
if (hangfire >= 0)
{
    return await HangfireWorker.RunAsync(TimeSpan.FromSeconds(double.Parse(args[hangfire + 1], CultureInfo.InvariantCulture)));
}

int massTransit = Array.IndexOf(args, "--masstransit");
if (massTransit >= 0)
{
    return await MassTransitWorker.RunAsync(TimeSpan.FromSeconds(double.Parse(args[massTransit + 1], CultureInfo.InvariantCulture)));
}

double sessionSeconds = Argument(args, "--session-seconds", 0);
double drainSeconds = Argument(args, "--drain-seconds", 20);
if (args.Contains("--no-host"))
{
    return await NoHost.RunAsync(TimeSpan.FromSeconds(sessionSeconds), TimeSpan.FromSeconds(drainSeconds));
}

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Services.AddTaskProtection(o =>
{
    o.DrainTimeout = TimeSpan.FromSeconds(drainSeconds);
    o.ReleaseDelay = TimeSpan.FromMinutes(1);
});
builder.Services.AddSingleton(new JobSettings(TimeSpan.FromSeconds(sessionSeconds)));
builder.Services.AddHostedService<JobRunner>();

using IHost host = builder.Build();
host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => Output.Line("READY"));
await host.RunAsync();
Output.Line("EXITING");
return 0;

static double Argument(string[] args, string name, double fallback)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

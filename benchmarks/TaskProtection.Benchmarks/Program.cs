using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

// dotnet run -c Release --project benchmarks/TaskProtection.Benchmarks -- [--quick] [BenchmarkDotNet arguments]
// --quick: a short in-process job (1 warm-up, 3 short iterations) that finishes in under a minute; figures are indicative only.
bool quick = args.Contains("--quick");
string[] rest = args.Where(static a => a != "--quick").ToArray();
IConfig config = DefaultConfig.Instance;
if (quick)
{
    // In process (no separate build of the benchmark project), short iterations, no overhead runs: the floor is
    // measured as a benchmark of its own, so the empty-loop overhead the full run subtracts matters little here.
    config = config.AddJob(Job.ShortRun
        .WithWarmupCount(1)
        .WithIterationCount(3)
        .WithLaunchCount(1)
        .WithIterationTime(TimeInterval.FromMilliseconds(150))
        .WithEvaluateOverhead(false)
        .WithToolchain(InProcessEmitToolchain.Instance)
        .AsDefault());
}

// Run everything unless a filter is given, also when other arguments (--artifacts, --exporters) are: never prompt.
string[] arguments = rest.Any(static a => a is "--filter" or "-f") ? rest : [.. rest, "--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments, config);

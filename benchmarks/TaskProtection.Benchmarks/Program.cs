using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/TaskProtection.Benchmarks -- [--quick] [BenchmarkDotNet arguments]
// --quick: a short job (1 warm-up, 3 iterations) that finishes in about two minutes; figures are indicative only.
bool quick = args.Contains("--quick");
string[] rest = args.Where(static a => a != "--quick").ToArray();
IConfig config = DefaultConfig.Instance;
if (quick)
{
    config = config.AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1).AsDefault());
}

// Run everything unless a filter is given, also when other arguments (--artifacts, --exporters) are: never prompt.
string[] arguments = rest.Any(static a => a is "--filter" or "-f") ? rest : [.. rest, "--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments, config);

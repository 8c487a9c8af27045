using System.CommandLine;
using System.Globalization;
using TaskProtection.Fleet.Ecs;
using TaskProtection.Fleet.Report;

// The fleet simulator: `run` prints one day's figures; `report` regenerates docs/fleet.md's tables and pictures.
var tasks = new Option<int>("--tasks") { Description = "The service's maximum size.", DefaultValueFactory = static _ => 1000 };
var hours = new Option<double>("--hours") { Description = "Simulated hours.", DefaultValueFactory = static _ => 24 };
var seed = new Option<int>("--seed") { Description = "Seeds arrivals, lengths, latencies and ECS's choices.", DefaultValueFactory = static _ => 1 };
var rate = new Option<double>("--rate") { Description = "The account's UpdateTaskProtection calls per second.", DefaultValueFactory = static _ => 20 };
var design = new Option<string>("--design")
{
    Description = "Which design: " + string.Join(", ", Experiments.Designs.Keys) + ", or all.",
    DefaultValueFactory = static _ => "all",
};
design.AcceptOnlyFromAmong([.. Experiments.Designs.Keys, "all"]);
var run = new Command("run", "Simulates one day of the service for one design, or all, and prints the figures.") { tasks, hours, seed, rate, design };
run.SetAction(parsed =>
{
    var day = new FleetConfig
    {
        MaxTasks = parsed.GetValue(tasks),
        Duration = TimeSpan.FromHours(parsed.GetValue(hours)),
        Seed = parsed.GetValue(seed),
        AccountRatePerSecond = parsed.GetValue(rate),
    };
    day.Validate();
    string chosen = parsed.GetValue(design)!;
    Console.WriteLine(MarkdownReport.Settings(day));
    IReadOnlyList<FleetResult> results = chosen == "all"
        ? Experiments.CompareDesigns(day)
        : [FleetService.Run(day, Experiments.Designs[chosen]())];
    Console.WriteLine(MarkdownReport.DesignsTable(results));
});

var docs = new Option<DirectoryInfo>("--docs") { Description = "The docs folder holding fleet.md.", DefaultValueFactory = static _ => new DirectoryInfo("docs") };
var report = new Command("report", "Runs every experiment of docs/fleet.md and rewrites its tables and pictures (a few minutes).") { docs, tasks, seed };
report.SetAction(parsed => ReportWriter.Write(parsed.GetValue(docs)!, parsed.GetValue(tasks), parsed.GetValue(seed)));

var caps = new Command("caps", "Runs the cap and drain sweep of docs/fleet.md and prints its table.") { tasks, seed };
caps.SetAction(parsed => Console.WriteLine(MarkdownReport.CapTable(Experiments.SweepCap(new FleetConfig { MaxTasks = parsed.GetValue(tasks), Seed = parsed.GetValue(seed) }))));

var deployments = new Command("deployments", "Runs the deployment-check sweep of docs/fleet.md and prints its table.") { tasks, seed };
deployments.SetAction(parsed => Console.WriteLine(MarkdownReport.DeploymentTable(Experiments.SweepDeploymentCheck(new FleetConfig { MaxTasks = parsed.GetValue(tasks), Seed = parsed.GetValue(seed) }))));

var root = new RootCommand("Simulates an ECS service of many tasks, each running the real TaskProtection manager, on one simulated clock.") { run, caps, deployments, report };
try
{
    return root.Parse(args).Invoke();
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

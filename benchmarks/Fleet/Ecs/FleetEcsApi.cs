using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskProtection.Fleet.Engine;

namespace TaskProtection.Fleet.Ecs;

/// <summary>
/// The ECS API as the deployment check of every simulated task sees it: <c>DescribeServices</c> answered from the
/// service's deployments (the current revision PRIMARY, older revisions with live tasks ACTIVE), <c>DescribeTasks</c>
/// from the task's revision (<c>startedBy</c> its deployment), both counted against the account's rate for these actions
/// (a token bucket answering <c>ThrottlingException</c>). Answered when sent, without latency: a check every minutes
/// does not care about 100 ms, and an answer that completes at once keeps every continuation on the simulation's thread.
/// </summary>
internal sealed class FleetEcsApi(FleetConfig config, FleetClock clock, IServiceView service) : IEcsApiTransport
{
    public const string Cluster = "fleet";
    public const string ServiceName = "fleet-service";

    private static readonly byte[] Throttled = Encoding.UTF8.GetBytes("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
    private readonly TokenBucket _rate = new(config.DescribeRatePerSecond, config.EffectiveDescribeBurst);
    private readonly Dictionary<long, int> _perMinute = [];

    public string Destination => "the simulated ECS API";

    public int Calls { get; private set; }

    public int ThrottledCalls { get; private set; }

    /// <summary>The busiest simulated minute's calls per second.</summary>
    public double PeakPerSecond => _perMinute.Count == 0 ? 0 : _perMinute.Values.Max() / 60.0;

    public static string DeploymentId(int revision) => "ecs-svc/" + (1000 + revision).ToString(CultureInfo.InvariantCulture);

    public static string TaskDefinition(int revision) => $"arn:aws:ecs:us-east-1:123456789012:task-definition/fleet:{revision + 1}";

    public Task<EcsApiResponse> SendAsync(string action, byte[] body, CancellationToken cancellationToken)
    {
        TimeSpan now = clock.Elapsed;
        Calls++;
        long minute = (long)now.TotalMinutes;
        _perMinute[minute] = _perMinute.GetValueOrDefault(minute) + 1;
        if (!_rate.TryTake(now))
        {
            ThrottledCalls++;
            return Task.FromResult(new EcsApiResponse(400, Throttled, "simulated") { ErrorType = "ThrottlingException" });
        }

        JsonObject answer = action == "DescribeServices" ? DescribeServices() : DescribeTasks(body);
        return Task.FromResult(new EcsApiResponse(200, Encoding.UTF8.GetBytes(answer.ToJsonString()), "simulated"));
    }

    private JsonObject DescribeServices()
    {
        var deployments = new JsonArray();
        IReadOnlyDictionary<int, (int Live, int Running)> counts = service.CountsByRevision();
        for (int revision = service.Revision; revision >= 0; revision--)
        {
            (int live, int running) = counts.GetValueOrDefault(revision);
            if (revision == service.Revision || live > 0)
            {
                deployments.Add(new JsonObject
                {
                    ["id"] = DeploymentId(revision),
                    ["status"] = revision == service.Revision ? "PRIMARY" : "ACTIVE",
                    ["taskDefinition"] = TaskDefinition(revision),
                    ["runningCount"] = running,
                    ["createdAt"] = (FleetClock.Epoch + service.DeployedAt(revision)).ToUnixTimeMilliseconds() / 1000.0,
                    ["rolloutState"] = revision == service.Revision ? "IN_PROGRESS" : "COMPLETED",
                });
            }
        }

        return new JsonObject
        {
            ["services"] = new JsonArray(new JsonObject { ["serviceName"] = ServiceName, ["status"] = "ACTIVE", ["deployments"] = deployments }),
            ["failures"] = new JsonArray(),
        };
    }

    private JsonObject DescribeTasks(byte[] body)
    {
        using JsonDocument request = JsonDocument.Parse(body);
        string arn = request.RootElement.GetProperty("tasks")[0].GetString()!;
        SimTask? task = service.Task(arn);
        var tasks = new JsonArray();
        if (task is not null)
        {
            tasks.Add(new JsonObject
            {
                ["taskArn"] = arn,
                ["taskDefinitionArn"] = TaskDefinition(task.Revision),
                ["startedBy"] = DeploymentId(task.Revision),
                ["group"] = "service:" + ServiceName,
                ["lastStatus"] = "RUNNING",
            });
        }

        return new JsonObject { ["tasks"] = tasks, ["failures"] = new JsonArray() };
    }
}

/// <summary>What the simulated ECS API reads of the service.</summary>
internal interface IServiceView
{
    /// <summary>The current revision: its deployment is PRIMARY.</summary>
    int Revision { get; }

    TimeSpan DeployedAt(int revision);

    /// <summary>By revision, its tasks not yet stopped and those taking work (RUNNING); counted at most once a simulated second.</summary>
    IReadOnlyDictionary<int, (int Live, int Running)> CountsByRevision();

    SimTask? Task(string arn);
}

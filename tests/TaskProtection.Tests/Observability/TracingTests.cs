using System.Diagnostics;
using TaskProtection.Tests.CriticalSections;
using TaskProtection.Tests.Infrastructure;
using D = TaskProtection.TaskProtectionDiagnostics;

namespace TaskProtection.Tests.Observability;

/// <summary>
/// Activities from the "TaskProtection" source: one per session and one per agent call. The source is process-wide,
/// so these run alone, and only activities of this test's registry and manager are kept.
/// </summary>
[Collection(DefaultRegistryGroup.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly List<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == D.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_stopped)
                {
                    _stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private Activity[] Stopped(string name)
    {
        lock (_stopped)
        {
            return _stopped.Where(a => a.OperationName == name).ToArray();
        }
    }

    [Fact]
    public async Task A_session_is_an_activity_named_after_it_that_does_not_become_current()
    {
        await using var h = new Harness();
        using var parent = new Activity("caller").Start();

        CriticalSession session = h.Entered("transcode");
        Assert.Same(parent, Activity.Current);
        h.AdvanceTo(TimeSpan.FromSeconds(3));
        session.Dispose();

        Activity activity = Assert.Single(Stopped(D.SessionActivityName));
        Assert.Equal("transcode", activity.DisplayName);
        Assert.Equal("transcode", activity.GetTagItem(D.SessionNameTag));
        Assert.Equal(session.Id, activity.GetTagItem(D.SessionIdTag));
        Assert.Equal(parent.SpanId, activity.ParentSpanId);
    }

    [Fact]
    public async Task Each_agent_call_is_a_client_activity_with_its_outcome()
    {
        await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero });
        h.Model.Enqueue(TaskProtection.Testing.AgentFaultKind.ServerError);
        Task<CriticalSession> entering = h.EnterAsync("job");
        h.AdvanceTo(TimeSpan.FromSeconds(2));
        (await entering.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(3));

        string[] calls = Stopped(D.AgentCallActivityName)
            .Select(a => $"{a.Kind}:{a.GetTagItem(D.OperationTag)}:{a.GetTagItem(D.OutcomeTag)}:{a.Status}")
            .ToArray();
        Assert.Equal(["Client:enable:error:Error", "Client:enable:success:Unset", "Client:disable:success:Unset"], calls);
    }
}

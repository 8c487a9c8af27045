using System.Collections.Concurrent;
using Quartz;

namespace TaskProtection.Quartz;

/// <summary>
/// The session of each job run, from the trigger listener that opened it to the job listener that ends it. Keyed by
/// the run's fire instance id: a context's own data map is the job's, shared by concurrent runs of one job.
/// </summary>
internal sealed class JobSessions
{
    private readonly ConcurrentDictionary<string, CriticalSession> _open = new(StringComparer.Ordinal);

    public void Add(IJobExecutionContext context, CriticalSession session) => _open[context.FireInstanceId] = session;

    /// <summary>Ends the run's session, if it has one; a second call does nothing.</summary>
    public void End(IJobExecutionContext context)
    {
        if (_open.TryRemove(context.FireInstanceId, out CriticalSession session))
        {
            session.Dispose();
        }
    }

    public int Count => _open.Count;
}

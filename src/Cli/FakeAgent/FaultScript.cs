using TaskProtection.Testing;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>
/// The faults of <c>--fault</c>, in order, one call at a time: each step for its next N calls, then normal answers, or
/// with <c>--repeat</c> the steps again and again (<c>--fault none:2 --fault throttling --repeat</c>: every third call throttled).
/// </summary>
internal sealed class FaultScript(IReadOnlyList<FaultStep> steps, bool repeat)
{
    private readonly Lock _lock = new();
    private int _step;
    private int _usedInStep;

    /// <summary>The fault for the next call.</summary>
    public AgentFaultKind Next()
    {
        lock (_lock)
        {
            if (_step >= steps.Count)
            {
                if (!repeat || steps.Count == 0)
                {
                    return AgentFaultKind.None;
                }

                _step = 0;
            }

            AgentFaultKind kind = steps[_step].Kind;
            if (++_usedInStep >= steps[_step].Calls)
            {
                _step++;
                _usedInStep = 0;
            }

            return kind;
        }
    }
}

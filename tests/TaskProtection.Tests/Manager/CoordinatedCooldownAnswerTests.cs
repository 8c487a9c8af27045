using TaskProtection.Tests.Coordination;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// A new period counts from its first enable as sent, and processes of one task share one period: an acquire answered "cooling down" has moved ProtectedSince although nothing was sent. After the cool-down the task
/// must be protected again (not cooled down once more), continuous protection must stay within the cap's bounds, and no
/// session may run untold while ECS holds no protection.
/// </summary>
public sealed class CoordinatedCooldownAnswerTests
{
    [Fact]
    public async Task An_acquire_answered_cooling_down_neither_cools_the_task_again_nor_stretches_the_cap()
    {
        // Interleaving: two processes, cap 1 h, no drain, cool-down 5 min. Process 0 runs one session from 0 s to 3 h;
        // the task caps at 1 h. At 61 min process 1 starts a synchronous session: its acquire (ProtectedSince := 61 min,
        // before the answer) is answered "cooling down". After the shared cool-down both sessions need protection again.
        var options = new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.Zero };
        await using var task = new CoordinatedTask(2, _ => options);
        CriticalSession a = task[0].Entered("a");
        CriticalSession? b = null;
        TimeSpan step = TimeSpan.FromSeconds(5);
        TimeSpan longest = TimeSpan.Zero;
        TimeSpan run = TimeSpan.Zero;
        var untold = new List<string>();
        for (TimeSpan t = step; t <= TimeSpan.FromHours(3); t += step)
        {
            task.AdvanceTo(t);
            if (b is null && t >= TimeSpan.FromMinutes(61))
            {
                b = task[1].Registry.Enter("b");
                task[1].Pump();
                task.Advance(TimeSpan.FromSeconds(1));
                Assert.Equal(ProtectionMode.Capped, task[1].Manager.Mode);
            }

            bool on = task.Model.IsProtected;
            run = on ? run + step : TimeSpan.Zero;
            longest = run > longest ? run : longest;
            if (!on)
            {
                for (int i = 0; i < 2; i++)
                {
                    bool running = i == 0 || b is not null;
                    if (running && !task[i].Manager.ProtectionLostToken.IsCancellationRequested && untold.Count < 5)
                    {
                        untold.Add($"process {i} at {t} (mode {task[i].Manager.Mode})");
                    }
                }
            }
        }

        bool protectedAtTheEnd = task.Model.IsProtected;
        a.Dispose();
        b?.Dispose();
        TimeSpan bound = options.MaxProtectionDuration + TimeSpan.FromMinutes(1) + options.RequestTimeout + GapBudget.LateLandingWindow + step;
        Assert.True(untold.Count == 0, "Sessions ran untold while ECS held no protection: " + string.Join("; ", untold));
        Assert.True(longest <= bound, $"Longest continuous protection {longest} > {bound}.");
        Assert.True(protectedAtTheEnd, "Both sessions still run at 3 h: protected again after the cool-down.");
    }
}

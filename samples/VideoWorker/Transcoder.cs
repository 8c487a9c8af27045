using System.Globalization;
using TaskProtection;

namespace VideoWorker;

/// <summary>Transcodes one video. The [CriticalSection] keeps the ECS task protected from scale-in while it runs.</summary>
public sealed partial class Transcoder(Timeline timeline, CriticalSessionRegistry registry, TimeProvider time, RunStatistics statistics)
{
    private const int Steps = 10;

    /// <summary>Protected: ECS will not scale this task in while a transcode runs.</summary>
    [CriticalSection]
    public partial Task<TimeSpan> TranscodeAsync(VideoJob job, CancellationToken ct);

    // The work. It starts only once ECS has confirmed protection (the generated wrapper awaits it).
    private async Task<TimeSpan> TranscodeCoreAsync(VideoJob job, CancellationToken ct)
    {
        long started = time.GetTimestamp();
        DateTimeOffset startedAt = time.GetUtcNow();
        timeline.Write($"job {job.Number} STARTED  {job.Source}");
        bool checkpointed = false;
        for (int step = 1; step <= Steps; step++)
        {
            // Cancelled only after the shutdown drain gave up: the host cancels workers' tokens after it.
            await Task.Delay(job.Length / Steps, time, ct);

            if (registry.ShutdownRequested.IsCancellationRequested && !checkpointed)
            {
                // A real transcoder would persist its progress here, so that a task that never gets to finish
                // can be resumed elsewhere. This one just notes it and carries on: the drain waits for it.
                checkpointed = true;
                timeline.Write($"job {job.Number} checkpoint saved at {step * 100 / Steps}% (shutdown requested); finishing");
            }

            if (step % 5 == 0 && step < Steps)
            {
                timeline.Write(string.Create(CultureInfo.InvariantCulture, $"job {job.Number} {step * 100 / Steps,3}%"));
            }
        }

        TimeSpan took = time.GetElapsedTime(started);
        statistics.Completed(new JobInterval(job.Number, startedAt, time.GetUtcNow()));
        timeline.Write(string.Create(CultureInfo.InvariantCulture, $"job {job.Number} FINISHED {job.Source} in {took.TotalSeconds:0.0} s"));
        return took;
    }
}

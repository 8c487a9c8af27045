using Microsoft.Extensions.Hosting;
using TaskProtection;

namespace VideoWorker;

/// <summary>Takes jobs from the queue, <see cref="SampleOptions.Concurrency"/> at a time, until the queue completes.</summary>
public sealed class TranscodeWorker(
    JobInbox queue,
    Transcoder transcoder,
    SampleOptions options,
    CriticalSessionRegistry registry,
    Timeline timeline,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        timeline.Write($"worker started: taking jobs, {options.Concurrency} at a time");
        Task[] consumers = Enumerable.Range(0, options.Concurrency).Select(_ => ConsumeAsync(stoppingToken)).ToArray();
        await Task.WhenAll(consumers);
        if (registry.IsShutdownRequested)
        {
            timeline.Write($"stopped taking jobs; {queue.Reader.Count} left queued for another task");
        }
        else if (!options.Serve)
        {
            timeline.Write("all jobs done");
            lifetime.StopApplication();
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Stop taking work once the task is shutting down; what is queued stays for another task.
                if (registry.IsShutdownRequested || !queue.Reader.TryRead(out VideoJob? job))
                {
                    if (registry.IsShutdownRequested)
                    {
                        return;
                    }

                    continue;
                }

                await ProcessAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: nothing more to take.
        }
    }

    private async Task ProcessAsync(VideoJob job, CancellationToken stoppingToken)
    {
        try
        {
            await transcoder.TranscodeAsync(job, stoppingToken);
        }
        catch (CriticalSessionRefusedException)
        {
            timeline.Write($"job {job.Number} not started: the task is shutting down (it stays queued for another task)");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            timeline.Write($"job {job.Number} CANCELLED by shutdown (resume from its checkpoint elsewhere)");
        }
    }
}

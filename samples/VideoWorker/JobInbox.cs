using System.Threading.Channels;

namespace VideoWorker;

/// <summary>
/// The in-process queue the worker takes jobs from. In production this is where SQS (or Kafka, RabbitMQ…) plugs in:
/// receive a message, process it in the critical section, delete it only after success, and let its visibility
/// timeout return it to the queue when the job is refused or abandoned.
/// </summary>
public sealed class JobInbox
{
    private readonly Channel<VideoJob> _channel = Channel.CreateUnbounded<VideoJob>();

    public ChannelReader<VideoJob> Reader => _channel.Reader;

    public void Add(VideoJob job)
    {
        if (!_channel.Writer.TryWrite(job))
        {
            throw new InvalidOperationException("The job queue is closed.");
        }
    }

    /// <summary>No more jobs will come: consumers finish what is queued and stop.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}

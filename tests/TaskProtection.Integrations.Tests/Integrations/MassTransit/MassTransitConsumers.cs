using MassTransit;
using TaskProtection.MassTransit;

namespace TaskProtection.Tests.Integrations.MassTransit;

public sealed record TranscodeVideo(int Number);

public sealed record RefreshCache(int Number);

public sealed record BrokenVideo(int Number);

public sealed class TranscodeConsumer(JobRecord record) : IConsumer<TranscodeVideo>
{
    public Task Consume(ConsumeContext<TranscodeVideo> context) => record.RunAsync($"transcode {context.Message.Number}", context.CancellationToken);
}

public sealed class BrokenConsumer(JobRecord record) : IConsumer<BrokenVideo>
{
    public Task Consume(ConsumeContext<BrokenVideo> context) => record.RunAsync($"broken {context.Message.Number}", context.CancellationToken, fail: true);
}

[DoNotProtectConsumer]
public sealed class CacheConsumer(JobRecord record) : IConsumer<RefreshCache>
{
    public Task Consume(ConsumeContext<RefreshCache> context) => record.RunAsync($"cache {context.Message.Number}", context.CancellationToken);
}

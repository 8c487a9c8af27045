namespace TaskProtection.Testing;

/// <summary>
/// The agent's request limiter (tollbooth over <c>x/time/rate</c>): one token bucket per client IP and path, full at
/// first, refilled at a steady rate; a request that finds no token is refused. Runs on the model's clock.
/// </summary>
internal sealed class AgentRateLimiter(double requestsPerSecond, int burst)
{
    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Takes a token for <paramref name="key"/> at <paramref name="now"/>; false when there is none.</summary>
    public bool TryTake(string key, DateTimeOffset now)
    {
        lock (_lock)
        {
            (double tokens, DateTimeOffset at) = _buckets.TryGetValue(key, out var bucket) ? bucket : (burst, now);
            double elapsed = Math.Max(0, (now - at).TotalSeconds);
            tokens = Math.Min(burst, tokens + (elapsed * requestsPerSecond));
            bool allowed = tokens >= 1;
            _buckets[key] = (allowed ? tokens - 1 : tokens, now);
            return allowed;
        }
    }
}

namespace TaskProtection.Fleet.Ecs;

/// <summary>A token bucket on simulated time: <c>ratePerSecond</c> tokens a second, at most <c>burst</c> held.</summary>
public sealed class TokenBucket
{
    private readonly double _ratePerSecond;
    private readonly double _burst;
    private double _tokens;
    private TimeSpan _last;

    public TokenBucket(double ratePerSecond, double burst)
    {
        _ratePerSecond = ratePerSecond;
        _burst = burst;
        _tokens = burst;
    }

    public bool TryTake(TimeSpan now)
    {
        _tokens = Math.Min(_burst, _tokens + (now - _last).TotalSeconds * _ratePerSecond);
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}

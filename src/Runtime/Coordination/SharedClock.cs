namespace TaskProtection;

/// <summary>
/// The clock the processes of a task share their times on. Wall clocks of containers need not agree, but the processes of
/// one kernel share its monotonic clock, and the containers of one task share a kernel (on EC2 and on Fargate alike): so
/// times are monotonic timestamps, tagged with the kernel's boot id. A process that finds times from another kernel (a
/// directory shared beyond its task) or another clock cannot use them, and assumes the worst instead. Where the boot id
/// cannot be read (not Linux), the wall clock serves, tagged as such.
/// </summary>
internal sealed class SharedClock
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";
    private readonly TimeProvider _time;
    private readonly bool _monotonic;

    private SharedClock(TimeProvider time, string id, bool monotonic)
    {
        _time = time;
        Id = id;
        _monotonic = monotonic;
    }

    /// <summary>What the shared times are measured on: kernel and clock. Times under another id mean nothing here.</summary>
    public string Id { get; }

    /// <summary>Whether times are on the kernel's monotonic clock (else the wall clock, which containers need not agree on).</summary>
    public bool IsMonotonic => _monotonic;

    /// <summary>Now, as a shared time.</summary>
    public long Now => _monotonic ? _time.GetTimestamp() : _time.GetUtcNow().UtcTicks;

    /// <summary>The manager's clock, shared: the system clock's monotonic timestamps with the kernel's boot id where it can be read.</summary>
    public static SharedClock For(TimeProvider time)
    {
        if (!ReferenceEquals(time, TimeProvider.System))
        {
            // A simulated clock: every simulated process of the task reads the same one.
            return new SharedClock(time, "timestamps/" + time.TimestampFrequency, monotonic: true);
        }

        return ReadBootId() is { } bootId
            ? new SharedClock(time, $"monotonic/{bootId}/{time.TimestampFrequency}", monotonic: true)
            : new SharedClock(time, "utc", monotonic: false);
    }

    /// <summary>A span as shared-time ticks.</summary>
    public long Ticks(TimeSpan span) => _monotonic ? (long)(span.Ticks * (_time.TimestampFrequency / (double)TimeSpan.TicksPerSecond)) : span.Ticks;

    /// <summary>Shared-time ticks as a span.</summary>
    public TimeSpan Span(long ticks) => _monotonic ? TimeSpan.FromTicks((long)(ticks * (TimeSpan.TicksPerSecond / (double)_time.TimestampFrequency))) : TimeSpan.FromTicks(ticks);

    /// <summary>A shared time as the manager's own timestamp (the same value on the monotonic clock).</summary>
    public long ToLocal(long shared) => _monotonic ? shared : _time.GetTimestamp() + (long)((shared - Now) * (_time.TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    /// <summary>A shared time as wall-clock time, for status and messages.</summary>
    public DateTimeOffset ToUtc(long shared) => _time.GetUtcNow() + Span(shared - Now);

    private static string? ReadBootId()
    {
        try
        {
            return OperatingSystem.IsLinux() && File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

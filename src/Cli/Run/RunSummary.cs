namespace TaskProtection.Cli.Run;

/// <summary>
/// The one line <c>run</c> prints on standard error after its command exited and protection was released, so that a
/// person sees it worked: <c>taskprotect: 'ffmpeg' exited 0 after 12 min 3 s; protected throughout (3 agent calls), released.</c>
/// </summary>
internal static class RunSummary
{
    public static string Text(string command, int exitCode, TimeSpan ran, Protection protection, int agentCalls, bool released)
    {
        string calls = agentCalls == 1 ? "1 agent call" : $"{agentCalls} agent calls";
        string how = protection switch
        {
            Protection.Throughout => $"protected throughout ({calls}), {(released ? "released" : "not released: the lease runs out by itself")}",
            Protection.Lost => $"protection was lost while it ran, see above ({calls}), {(released ? "released" : "not released: the lease runs out by itself")}",
            _ => "not protected: no ECS agent",
        };
        return $"taskprotect: '{command}' exited {exitCode} after {DurationText.Format(Rounded(ran))}; {how}.";
    }

    /// <summary>The digits a person reads: whole milliseconds under a second, tenths of a second under a minute, whole seconds above.</summary>
    public static TimeSpan Rounded(TimeSpan span) =>
        span < TimeSpan.FromSeconds(1) ? TimeSpan.FromMilliseconds(Math.Round(span.TotalMilliseconds))
        : span < TimeSpan.FromMinutes(1) ? TimeSpan.FromMilliseconds(Math.Round(span.TotalMilliseconds / 100) * 100)
        : TimeSpan.FromSeconds(Math.Round(span.TotalSeconds));

    /// <summary>What protection the command had.</summary>
    public enum Protection
    {
        /// <summary>Confirmed before it started, and never lost.</summary>
        Throughout,

        /// <summary>The application was told protection was lost (or never confirmed) while it ran.</summary>
        Lost,

        /// <summary>No agent: it ran unprotected.</summary>
        None,
    }
}

namespace TaskProtection;

/// <summary>
/// Settings of the protection manager. Names and defaults of the first four are those of the reference design (a check every 60 s) that
/// docs/performance.md compares with;
/// the rest are what a gap-free lease needs. Bound from the configuration section <c>TaskProtection</c>
/// and validated at start-up: a configuration that cannot keep protection gap-free stops the app, saying which rule fails.
/// </summary>
public sealed class TaskProtectionOptions
{
    /// <summary>The configuration section the options bind to.</summary>
    public const string SectionName = "TaskProtection";

    /// <summary>
    /// Watchdog period: the manager re-examines its state at least this often, to catch a renewal whose
    /// timer fired late and a lease that lapsed. Renewals themselves are scheduled exactly, not polled.
    /// </summary>
    /// <value>Default 60 s. More than 0, at most 1 day, and at most ProtectionBuffer − RequestTimeout − 2 × SchedulingTolerance.</value>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between two successful renewals while sessions are active.</summary>
    /// <value>Default 300 s. More than 0, at most 2 days.</value>
    public TimeSpan ExtensionInterval { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Lease left when a renewal starts: the time that failed calls, retries and late timers may use
    /// before the protection would lapse. Each request asks for <see cref="ExtensionInterval"/> + this.
    /// </summary>
    /// <value>Default 120 s. More than 0, at most 2 days, and enough for <see cref="MinimumToleratedFailures"/> failed renewals.</value>
    public TimeSpan ProtectionBuffer { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Continuous protection lasts this long at most, so that a stuck or endless job cannot block scale-in and deployments
    /// for ever: the last renewal asks for the whole minutes that reach it, then renewals stop. Running sessions are told
    /// (<see cref="TaskProtectionManager.ProtectionLost"/>, <see cref="ProtectionLossReason.MaxDurationReached"/>) when that
    /// is decided, a <see cref="ProtectionBuffer"/> before the end.
    /// </summary>
    /// <value>Default 2 h. At least one lease, at most 365 days.</value>
    public TimeSpan MaxProtectionDuration { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// After continuous protection reached <see cref="MaxProtectionDuration"/>, how long the task stays unprotected before
    /// protection may be acquired again (counted from the last lease's end, or its release if sooner): the window ECS
    /// gets to scale the task in or replace it in a deployment. Sessions entering meanwhile are refused
    /// (<see cref="AcquireTimeoutBehavior.Throw"/>) or run unprotected after being told (<see cref="AcquireTimeoutBehavior.Proceed"/>);
    /// sessions still running are protected again once it is over.
    /// </summary>
    /// <value>Default 5 min. 1 min to 1 day.</value>
    public TimeSpan MaxProtectionCooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The last part of <see cref="MaxProtectionDuration"/> in which no new session starts, so that the sessions running
    /// can end under protection before the cap instead of being told <see cref="ProtectionLossReason.MaxDurationReached"/>
    /// and left unprotected: the task drains, releases protection once idle, and takes work again after
    /// <see cref="MaxProtectionCooldown"/>. Sessions entering meanwhile are refused with
    /// <see cref="CriticalSessionRefusedException"/> (leave the work for another task), whatever
    /// <see cref="AcquireTimeoutBehavior"/> says. Set it to the longest session you run; 0 turns the drain off. With
    /// <see cref="CoordinationDirectory"/> (several processes in one task) the drain is off: the processes do not drain together.
    /// </summary>
    /// <value>
    /// Default unset: half of <see cref="MaxProtectionDuration"/> (1 h with the defaults), and never more than
    /// MaxProtectionDuration − one lease. When set: 0, or at most MaxProtectionDuration − one lease
    /// (ExtensionInterval + ProtectionBuffer). <see cref="CapDrain"/> is the value in effect.
    /// </value>
    public TimeSpan? MaxProtectionDrain { get; set; }

    /// <summary>
    /// Bound on one agent call. The agent gives up on ECS after 4 s and answers within 5 s, so at least 6 s.
    /// </summary>
    /// <value>Default 10 s. 6 s to 5 min.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay after a failed call; each further retry doubles it up to <see cref="RetryMaxDelay"/>.</summary>
    /// <value>Default 1 s. More than 0, at most 1 h.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest delay between two attempts. The actual delay is jittered between half of the cap and the cap.</summary>
    /// <value>Default 10 s. <see cref="RetryBaseDelay"/> to 1 h.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long protection stays after the last session ends before it is released, so that back-to-back
    /// jobs do not release and re-acquire between them.
    /// </summary>
    /// <value>Default 5 s. 0 to 1 day.</value>
    public TimeSpan ReleaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long <see cref="CriticalSessionRegistry.EnterAsync"/> waits for protection to be confirmed; also how long a
    /// synchronous session may run unconfirmed before the application is told.
    /// </summary>
    /// <value>Default 30 s. More than 0, at most 1 day.</value>
    public TimeSpan AcquireTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What a session does when <see cref="AcquireTimeout"/> passes, or protection is lost, capped or force-disabled:
    /// <see cref="AcquireTimeoutBehavior.Proceed"/> (the default) raises <see cref="TaskProtectionManager.ProtectionLost"/>
    /// first and runs unprotected; <see cref="AcquireTimeoutBehavior.Throw"/> refuses the session.
    /// </summary>
    /// <value>Default <see cref="AcquireTimeoutBehavior.Proceed"/>.</value>
    public AcquireTimeoutBehavior AcquireTimeoutBehavior { get; set; } = AcquireTimeoutBehavior.Proceed;

    /// <summary>
    /// Worst lateness of a timer (thread-pool starvation, GC pauses) plus clock drift over one lease that the
    /// buffer must absorb on top of failed calls; counted once per timer the renewal path waits on. The lapse watch is
    /// armed this much (plus 1 ms) before a lease ends.
    /// </summary>
    /// <value>Default 2 s. 0 to 1 h.</value>
    public TimeSpan SchedulingTolerance { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Consecutive failed renewal calls (each taking up to <see cref="RequestTimeout"/>) that the configuration
    /// must survive without a gap; configurations that survive fewer are rejected.
    /// </summary>
    /// <value>Default 1. 0 to 100.</value>
    public int MinimumToleratedFailures { get; set; } = 1;

    /// <summary>
    /// How long a stopping host (SIGTERM, SIGINT, <c>StopApplication</c>) waits for active sessions to end while
    /// protection is kept renewed. Sessions still running then are logged as abandoned and protection is released.
    /// Keep it below the ECS <c>stopTimeout</c> (30 s by default, at most 120 s) minus <see cref="RequestTimeout"/>, the time
    /// the final release may take: ECS kills the container at <c>stopTimeout</c>.
    /// </summary>
    /// <value>Default 20 s. More than 0, and DrainTimeout + RequestTimeout at most 120 s.</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Whether new sessions are refused once shutdown is requested (the default): <see cref="CriticalSessionRegistry.Enter"/>
    /// and <see cref="CriticalSessionRegistry.EnterAsync"/> then fail with <see cref="CriticalSessionRefusedException"/>, so
    /// no job starts that the drain could not finish. Note that this includes critical sections nested inside running ones.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool RefuseSessionsDuringShutdown { get; set; } = true;

    /// <summary>
    /// The agent's address. When null, <c>ECS_AGENT_URI</c> from configuration or the environment is used, as ECS sets
    /// it; without either, the manager runs in unavailable mode.
    /// </summary>
    /// <value>Default null. An absolute http(s) URI.</value>
    public Uri? AgentUri { get; set; }

    /// <summary>
    /// A directory shared by every process of the task that uses TaskProtection (a task volume mounted into each
    /// container, or a local path for processes in one container): they then share the task's protection safely. The
    /// task is released only when no process has sessions; a renewal never shortens what another process obtained; agent
    /// calls are serialized; a process that dies stops counting at once. Linux and macOS only.
    /// </summary>
    /// <value>Default null: this process alone decides. An existing, writable directory that supports file locks (flock); checked at start-up.</value>
    public string? CoordinationDirectory { get; set; }

    /// <summary>
    /// How the manager reaches ECS. <see cref="ProtectionBackend.Agent"/> (the default) calls the agent endpoint inside the
    /// task; <see cref="ProtectionBackend.EcsApi"/> calls the ECS API with the task role's credentials, configured by
    /// <see cref="EcsApi"/>. Same manager, same guarantees.
    /// </summary>
    /// <value>Default <see cref="ProtectionBackend.Agent"/>.</value>
    public ProtectionBackend Backend { get; set; } = ProtectionBackend.Agent;

    /// <summary>
    /// Whether the task stops taking work as soon as its service starts replacing it (a deployment: a new task
    /// definition, or a forced new deployment of the same one), so that ECS replaces it when its running sessions end
    /// rather than at <see cref="MaxProtectionDuration"/>: <see cref="TaskProtectionManager.StopTakingWork"/> is called with
    /// the deployment, and <see cref="TaskProtectionManager.ResumeTakingWork"/> if the deployment is rolled back. The check
    /// (one <c>DescribeServices</c> call every <see cref="DeploymentCheckInterval"/> while the task is protected, and one
    /// <c>DescribeTasks</c> call per task) lives in the TaskProtection.EcsApi package and signs with the task role, which
    /// needs <c>ecs:DescribeServices</c> and <c>ecs:DescribeTasks</c>; protection itself still goes through
    /// <see cref="Backend"/>. Without those permissions, or for a task outside a service, it logs one warning and the task
    /// works as without it.
    /// </summary>
    /// <value>
    /// Default null: on where it can work (TaskProtection.EcsApi referenced and the task metadata endpoint names a
    /// service), otherwise off with one log line saying why. <see langword="true"/>: required, start-up fails when it cannot
    /// work. <see langword="false"/>: off.
    /// </value>
    public bool? DrainOnDeployment { get; set; }

    /// <summary>
    /// How often a protected task asks ECS whether its service is replacing it (<see cref="DrainOnDeployment"/>): about
    /// the longest a replaced busy task keeps taking work, against one <c>DescribeServices</c> call per protected task per
    /// interval, counted against the account's ECS API rate. In docs/fleet.md's day of 1,000 tasks, 5 min finishes every
    /// deployment within 6 minutes of the longest job running when it started, as 1 or 2 min do, for 11 calls per
    /// task-hour (2 a second over the day, 6 in its busiest minute) instead of 54 or 27. Each check drifts within 10 % of
    /// the interval, so that tasks started together spread out; throttled checks back off, doubling up to 16 intervals.
    /// </summary>
    /// <value>Default 5 min. 1 s to 1 h.</value>
    public TimeSpan DeploymentCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Region, endpoint, profile, cluster and task ARN for <see cref="ProtectionBackend.EcsApi"/>. Bound from <c>TaskProtection:EcsApi</c>.</summary>
    /// <value>Default: every setting unset, found from the environment (see <see cref="EcsApiOptions"/>).</value>
    public EcsApiOptions EcsApi { get; set; } = new();

    /// <summary>The reference design's margin: <see cref="ProtectionBuffer"/> − <see cref="CheckInterval"/>. Must stay positive so the watchdog can still renew a lease whose timer was missed.</summary>
    public TimeSpan GapSafetyMargin => ProtectionBuffer - CheckInterval;

    /// <summary>The whole minutes each enable request asks for: <see cref="ExtensionInterval"/> + <see cref="ProtectionBuffer"/>, rounded up.</summary>
    public int ExpiresInMinutes => GapBudget.ExpiresInMinutes(ExtensionInterval + ProtectionBuffer);

    /// <summary>The lease each successful enable request grants, measured conservatively: <see cref="ExpiresInMinutes"/> minutes.</summary>
    public TimeSpan LeaseDuration => TimeSpan.FromMinutes(ExpiresInMinutes);

    /// <summary>
    /// The drain before the cap in effect: <see cref="MaxProtectionDrain"/> when set, else half of
    /// <see cref="MaxProtectionDuration"/>, at most MaxProtectionDuration − <see cref="LeaseDuration"/> and at least 0.
    /// </summary>
    public TimeSpan CapDrain => MaxProtectionDrain ?? TimeSpan.FromTicks(Math.Max(0, Math.Min(MaxProtectionDuration.Ticks / 2, (MaxProtectionDuration - LeaseDuration).Ticks)));

    /// <summary>How many consecutive failed renewal calls this configuration survives without a gap (−1 when not even one clean renewal fits the buffer).</summary>
    public int ToleratedConsecutiveFailures => GapBudget.ToleratedFailures(this);

    /// <summary>A copy, so that a running manager never sees later changes.</summary>
    public TaskProtectionOptions Clone()
    {
        var copy = (TaskProtectionOptions)MemberwiseClone();
        copy.EcsApi = EcsApi.Clone();
        return copy;
    }
}

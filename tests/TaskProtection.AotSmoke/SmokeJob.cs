namespace TaskProtection.AotSmoke;

/// <summary>One critical section: the generated wrapper protects the task around <see cref="RunCoreAsync"/>.</summary>
internal sealed partial class SmokeJob(TaskProtectionManager manager)
{
    [CriticalSection]
    public partial Task<bool> RunAsync(CancellationToken ct);

    private Task<bool> RunCoreAsync(CancellationToken ct) => Task.FromResult(manager.GetStatus().ProtectionEnabled);
}

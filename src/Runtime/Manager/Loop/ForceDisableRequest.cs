namespace TaskProtection;

/// <summary>One call to <see cref="TaskProtectionManager.ForceDisableProtectionAsync"/>, waiting for the loop.</summary>
internal sealed class ForceDisableRequest(string reason)
{
    public string Reason { get; } = reason;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

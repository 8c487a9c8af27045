namespace TaskProtection.Tests.Infrastructure;

/// <summary>
/// A test that starts processes as other users or in their own PID namespaces, as a task's containers run: it needs Linux,
/// root (to drop to another user, or to unshare) and the util-linux tool it names. Elsewhere it is skipped, saying why.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxRootFactAttribute : FactAttribute
{
    public LinuxRootFactAttribute(string tool)
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux.";
        }
        else if (Environment.UserName != "root")
        {
            Skip = "Needs root, to start processes as other users or in their own PID namespaces.";
        }
        else if (!new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Any(d => File.Exists(Path.Combine(d, tool))))
        {
            Skip = $"Needs {tool} (util-linux).";
        }
    }
}

namespace TaskProtection.Tests.Infrastructure;

/// <summary>
/// A test that starts processes as other users or in their own PID namespaces, as a task's containers run: it needs Linux,
/// root (to drop to another user, or to unshare) and the util-linux tool it names. Elsewhere it is skipped, saying why.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxRootFactAttribute : FactAttribute
{
    public LinuxRootFactAttribute(string tool) => Skip = WhyNot(tool);

    /// <summary>Why a test that starts processes as other users or in their own namespaces cannot run here; null when it can.</summary>
    internal static string? WhyNot(string tool)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Needs Linux.";
        }

        if (Environment.UserName != "root")
        {
            return "Needs root, to start processes as other users or in their own PID namespaces.";
        }

        return new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Any(d => File.Exists(Path.Combine(d, tool))) ? null : $"Needs {tool} (util-linux).";
    }
}

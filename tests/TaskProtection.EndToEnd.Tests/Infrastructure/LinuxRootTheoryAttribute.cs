namespace TaskProtection.Tests.Infrastructure;

/// <summary>A theory that runs only on Linux, as root, with the given util-linux tool: see <see cref="LinuxRootFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxRootTheoryAttribute : TheoryAttribute
{
    public LinuxRootTheoryAttribute(string tool) => Skip = LinuxRootFactAttribute.WhyNot(tool);
}

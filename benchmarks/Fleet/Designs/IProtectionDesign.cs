using TaskProtection.Fleet.Ecs;

namespace TaskProtection.Fleet.Designs;

/// <summary>A way of protecting tasks, compared on the same simulated days.</summary>
public interface IProtectionDesign
{
    /// <summary>The name the report uses.</summary>
    string Name { get; }

    /// <summary>Starts the design inside a task that just began taking work.</summary>
    ITaskGuard Attach(SimTask task, DesignContext context);
}

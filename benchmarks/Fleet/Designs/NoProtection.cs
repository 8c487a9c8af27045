using TaskProtection.Fleet.Ecs;
using TaskProtection.Fleet.Work;

namespace TaskProtection.Fleet.Designs;

/// <summary>No protection at all: ECS may stop any task, busy or not.</summary>
public sealed class NoProtection : IProtectionDesign
{
    public string Name => "no protection";

    public ITaskGuard Attach(SimTask task, DesignContext context) => new Guard();

    private sealed class Guard : ITaskGuard
    {
        public bool Accepting => true;

        public void Admit(int slot, Job job, Action<bool, bool> decided) => decided(true, false);

        public void Finished(int slot)
        {
        }

        public void Terminate(Action exited) => exited();
    }
}

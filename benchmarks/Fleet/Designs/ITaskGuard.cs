using TaskProtection.Fleet.Work;

namespace TaskProtection.Fleet.Designs;

/// <summary>One design's protection logic inside one task: what its workers do around each job.</summary>
public interface ITaskGuard
{
    /// <summary>Whether a worker should take a job now; false while the design already knows it would refuse it.</summary>
    bool Accepting { get; }

    /// <summary>
    /// A worker took <paramref name="job"/>: call <paramref name="decided"/> once, on the simulation's scheduler, with
    /// whether its body may start and whether the application was already told that protection is lost.
    /// </summary>
    void Admit(int slot, Job job, Action<bool, bool> decided);

    /// <summary>The body of the job in <paramref name="slot"/> finished.</summary>
    void Finished(int slot);

    /// <summary>SIGTERM: shut down as the design does, then call <paramref name="exited"/> once.</summary>
    void Terminate(Action exited);
}

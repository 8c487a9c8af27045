namespace TaskProtection.Fleet.Work;

/// <summary>One unit of work from the service's queue; it goes back to the queue when a run of it is lost or refused.</summary>
public sealed class Job(int id, TimeSpan length, TimeSpan arrivedAt)
{
    public int Id { get; } = id;

    public TimeSpan Length { get; } = length;

    public TimeSpan ArrivedAt { get; } = arrivedAt;

    /// <summary>Runs of this job that were killed mid-run.</summary>
    public int Kills { get; set; }
}

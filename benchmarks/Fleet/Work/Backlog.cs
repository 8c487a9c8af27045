namespace TaskProtection.Fleet.Work;

/// <summary>The service's queue: first in, first out; a job handed back goes to the front, as a visibility timeout of 0 would.</summary>
public sealed class Backlog
{
    private readonly LinkedList<Job> _jobs = new();

    public int Count => _jobs.Count;

    public void Add(Job job) => _jobs.AddLast(job);

    public void HandBack(Job job) => _jobs.AddFirst(job);

    public bool TryTake(out Job job)
    {
        if (_jobs.First is { } first)
        {
            _jobs.RemoveFirst();
            job = first.Value;
            return true;
        }

        job = null!;
        return false;
    }
}

namespace VideoWorker;

/// <summary>One video to transcode.</summary>
public sealed record VideoJob(int Number, string Source, TimeSpan Length);

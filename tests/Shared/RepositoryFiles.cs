namespace TaskProtection.Tests.Shared;

/// <summary>
/// Files of this repository, found from the test assembly's output directory. Source paths from
/// <c>[CallerFilePath]</c> are no use here: CI builds set ContinuousIntegrationBuild, which maps them to <c>/_/</c>.
/// </summary>
internal static class RepositoryFiles
{
    private const string Marker = "TaskProtection.sln";

    /// <summary>The directory that holds <c>TaskProtection.sln</c>.</summary>
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    /// <summary>A path below the root, from its segments (<c>"docs", "observability.md"</c>).</summary>
    public static string Path(params string[] segments) => System.IO.Path.Combine([Root, .. segments]);

    private static string FindRoot(string start)
    {
        for (string? directory = System.IO.Path.GetFullPath(start); directory is not null; directory = System.IO.Path.GetDirectoryName(directory))
        {
            if (File.Exists(System.IO.Path.Combine(directory, Marker)))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"No {Marker} in {start} or any directory above it; run the tests from a clone of the repository.");
    }
}

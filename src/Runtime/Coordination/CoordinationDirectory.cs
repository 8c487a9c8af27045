namespace TaskProtection;

/// <summary>The start-up checks of <see cref="TaskProtectionOptions.CoordinationDirectory"/>, each failing with what to fix.</summary>
internal static class CoordinationDirectory
{
    private const string Option = "TaskProtection:CoordinationDirectory";

    public static void CheckUsable(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new TaskProtectionException($"{Option} needs Linux or macOS (it locks files with flock); unset it on {Environment.OSVersion.Platform}.");
        }

        if (!Directory.Exists(directory))
        {
            throw new TaskProtectionException($"{Option} = '{directory}' does not exist. Mount the task volume there in every container that uses TaskProtection (or create the directory), or unset the option.");
        }
    }

    /// <summary>A coordination file this process cannot open: says which, as whom, and the ways out.</summary>
    public static TaskProtectionException CannotUse(string directory, Exception error) => new(
        $"{Option} = '{directory}' cannot be used by this process (user {Environment.UserName}, uid {FileLocks.UserId}): {error.Message} " +
        "Every process of the task must be able to create and write the files taskprotection.lock, taskprotection.holders and taskprotection.state there " +
        "(they are created with mode 0666): run every container with the same UID, or make the directory writable by a group they all share " +
        "(chmod 2775 and a common GID), or remove files another user created with a narrower mode so that they are created anew.",
        error);

    /// <summary>Two descriptors of one file must not both get an exclusive flock, or nothing is serialized.</summary>
    public static void CheckLocksWork(string directory, int held)
    {
        string path = Path.Combine(directory, FileCoordinationStore.LockName);
        int second = -1;
        try
        {
            second = FileLocks.OpenShared(path);
            bool firstTaken = FileLocks.TryLockExclusive(held, path);
            bool secondTaken = FileLocks.TryLockExclusive(second, path);
            if (firstTaken)
            {
                FileLocks.Unlock(held);
            }

            if (firstTaken && secondTaken)
            {
                throw new TaskProtectionException($"{Option} = '{directory}' is on a file system whose locks do not work (flock granted twice): use a volume of the task (a bind mount), or EFS, not a file system without locking.");
            }
        }
        catch (IOException ex)
        {
            throw new TaskProtectionException($"{Option} = '{directory}' is on a file system without file locks (flock): {ex.Message} Use a volume of the task (a bind mount), or EFS.", ex);
        }
        finally
        {
            FileLocks.Close(second);
        }
    }

    /// <summary>
    /// Why the directory may not be shared with the task's other containers, or null: a directory that is not a mount
    /// point in this container (the image has it, but the task definition mounts no volume there) is seen by this
    /// container alone, and its processes coordinate only with each other.
    /// </summary>
    public static string? NotSharedWarning(string directory)
    {
        const string MountInfo = "/proc/self/mountinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(MountInfo))
        {
            return null;
        }

        try
        {
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
            bool mounted = File.ReadLines(MountInfo).Select(static line => line.Split(' ')).Any(fields => fields.Length > 4 && Unescape(fields[4]) == full);
            return mounted
                ? null
                : $"{Option} = '{directory}' is not a mount point in this container: processes of this container share it, but other containers of the task see it only if the task definition mounts the same volume there.";
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>mountinfo escapes spaces, tabs, newlines and backslashes as octal.</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal).Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}

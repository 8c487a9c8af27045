namespace TaskProtection;

/// <summary>
/// One of the coordination directory's files, open for as long as the store is: its locks live on the descriptor. A file
/// removed or replaced meanwhile (by hand, by a cleanup job) is opened again by path before each use, so that every
/// process locks the same file.
/// </summary>
internal sealed class CoordinationFile(string path) : IDisposable
{
    private int _fd = -1;
    private bool _closed;

    public string Path => path;

    /// <summary>The descriptor, opened (again) if it is not open or its file was removed.</summary>
    public int Descriptor
    {
        get
        {
            if (_fd >= 0 && !FileLocks.IsUnlinked(_fd))
            {
                return _fd;
            }

            // Closed with its store: never reopened behind its back (a timer of a disposed manager must not lock anew).
            ObjectDisposedException.ThrowIf(_closed, this);

            FileLocks.Close(_fd);
            _fd = -1;
            _fd = FileLocks.OpenShared(path);
            return _fd;
        }
    }

    /// <summary>The descriptor still open on a file removed or replaced since, whose locks other processes may still hold; null otherwise.</summary>
    public int? Replaced => _fd >= 0 && FileLocks.IsUnlinked(_fd) ? _fd : null;

    /// <summary>Whether the descriptor is open on the file now at the path (false once it was replaced: its locks are on the old one).</summary>
    public bool IsCurrent => _fd >= 0 && !FileLocks.IsUnlinked(_fd);

    public void Dispose()
    {
        _closed = true;
        FileLocks.Close(_fd);
        _fd = -1;
    }
}

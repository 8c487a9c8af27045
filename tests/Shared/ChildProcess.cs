using System.Diagnostics;

namespace TaskProtection.Tests.Shared;

/// <summary>
/// A real child process (a built .NET app) whose output lines the test can wait for and which it can signal.
/// Every wait is bounded; the process is killed on dispose if it is still running.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<(TimeSpan At, string Line)> _lines = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly SemaphoreSlim _changed = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public TimeSpan Elapsed => _clock.Elapsed;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join(Environment.NewLine, _lines.Select(static l => l.Line));
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet {assembly} {arguments}</c> with the given environment, in <paramref name="workingDirectory"/> or else
    /// the assembly's own; through <paramref name="launcher"/> when given (<c>setpriv …</c>, <c>unshare …</c>), as a
    /// container's runtime would start it as another user or in its own PID namespace.
    /// </summary>
    public static ChildProcess StartDotnet(string assemblyPath, IEnumerable<string> arguments, IDictionary<string, string> environment, string? workingDirectory = null, IReadOnlyList<string>? launcher = null)
    {
        var info = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : "dotnet")
        {
            // Its own directory, as in a container: the test's directory holds other apps' appsettings.json.
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(assemblyPath),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is { Count: > 0 })
        {
            foreach (string part in launcher.Skip(1).Append("dotnet"))
            {
                info.ArgumentList.Add(part);
            }
        }

        info.ArgumentList.Add(assemblyPath);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("ECS_AGENT_URI");
        foreach ((string key, string value) in environment)
        {
            info.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>The path of a test project's built assembly (a sibling of this one), in this assembly's configuration.</summary>
    public static string BuiltAssembly(string project) => BuiltAssembly(Path.Combine("tests", project), project);

    /// <summary>The path of a project's built assembly, by its directory relative to the repository root.</summary>
    public static string BuiltAssembly(string projectDirectory, string assemblyName)
    {
        string testDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        string framework = Path.GetFileName(testDirectory);
        string configuration = Path.GetFileName(Path.GetDirectoryName(testDirectory)!);
        string path = Path.Combine(RepositoryFiles.Root, projectDirectory, "bin", configuration, framework, assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {projectDirectory} first (it is a project reference of the tests).", path);
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; returns it and when it was read.</summary>
    public async Task<(TimeSpan At, string Line)> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_lines)
            {
                foreach ((TimeSpan at, string line) in _lines)
                {
                    if (line.Contains(text, StringComparison.Ordinal))
                    {
                        return (at, line);
                    }
                }
            }

            TimeSpan left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || _process.HasExited && !await _changed.WaitAsync(TimeSpan.FromMilliseconds(200)))
            {
                throw new TimeoutException($"No line containing '{text}' within {timeout}. Output so far:{Environment.NewLine}{Output}");
            }

            await _changed.WaitAsync(left);
        }
    }

    /// <summary>Sends a POSIX signal with the system's <c>kill</c>.</summary>
    public void Signal(string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5_000);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit; returns its exit code and when it exited.</summary>
    public async Task<(int ExitCode, TimeSpan At)> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process did not exit within {timeout}. Output:{Environment.NewLine}{Output}");
        }

        TimeSpan at = _clock.Elapsed;
        _process.WaitForExit(); // drains the redirected output
        return (_process.ExitCode, at);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }

        _process.Dispose();
        _changed.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add((_clock.Elapsed, line));
        }

        _changed.Release();
    }
}

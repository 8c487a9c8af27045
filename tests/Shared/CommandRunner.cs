using System.Diagnostics;

namespace TaskProtection.Tests.Shared;

/// <summary>Runs a program to completion, bounded, with its output captured: dotnet pack, a built tool, an installed one.</summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="file"/>; kills it and throws <see cref="TimeoutException"/> when it outlives <paramref name="bound"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file, IEnumerable<string> arguments, string directory, TimeSpan bound, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment.Remove("ECS_AGENT_URI");
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {bound}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>How a run is named in a failure message.</summary>
    public static string Describe(string file, IEnumerable<string> arguments) => $"{file} {string.Join(' ', arguments)}";
}

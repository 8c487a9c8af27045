using System.CommandLine;
using System.Xml.Linq;
using TaskProtection.Cli.Check;
using TaskProtection.Cli.Configuration;

namespace TaskProtection.Cli.Commands;

/// <summary><c>taskprotect check [--config FILE] [--svg FILE]</c>.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        Option<FileInfo?> config = CommonOptions.Config();
        var svg = new Option<FileInfo?>("--svg") { Description = "Also write the timeline as an SVG picture to FILE.", HelpName = "FILE" };
        var minutes = new Option<int>("--minutes")
        {
            Description = "How long the simulated session is held, in minutes: 1 to 1440. Default 30.",
            DefaultValueFactory = _ => 30,
        };
        minutes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1440)
            {
                result.AddError("--minutes must be between 1 and 1440.");
            }
        });
        Option<bool> json = CommonOptions.Json();
        var command = new Command("check", "Validate a configuration exactly as start-up does, say what it means, and draw the schedule it gives one session.")
        {
            config, svg, minutes, json,
        };
        command.SetAction(async (parsed, _) =>
        {
            LoadedOptions loaded = OptionsLoader.Load(parsed.GetValue(config));
            if (parsed.GetValue(json) && TaskProtectionOptionsValidator.FindFailures(loaded.Options) is { Count: > 0 } failures)
            {
                await WriteJsonAsync(CheckDocument.Invalid(loaded.Source, failures)).ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            OptionsLoader.Validate(loaded);
            ScheduleTimeline timeline = SchedulePreview.Run(loaded.Options, TimeSpan.FromMinutes(parsed.GetValue(minutes)));
            if (parsed.GetValue(json))
            {
                await WriteJsonAsync(CheckDocument.From(loaded.Source, timeline)).ConfigureAwait(false);
            }
            else
            {
                ConfigurationReport.Write(Console.Out, loaded.Source, timeline);
                TimelineText.Write(Console.Out, timeline);
            }

            if (parsed.GetValue(svg) is { } file)
            {
                await WriteSvgAsync(file, TimelineSvg.Render(timeline)).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"Wrote {file.FullName}.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Task WriteJsonAsync(CheckDocument document) =>
        Console.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(document, CheckJson.Output.CheckDocument));

    private static async Task WriteSvgAsync(FileInfo file, XDocument picture)
    {
        try
        {
            await using FileStream stream = file.Create();
            await picture.SaveAsync(stream, SaveOptions.None, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--svg {file.FullName}: cannot write it ({failure.Message}).");
        }
    }
}

using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TaskProtection.Tests.Options;

/// <summary>A misspelt TaskProtection setting stops start-up with the nearest option's name, instead of being ignored.</summary>
public sealed class UnknownSettingsTests
{
    [Fact]
    public void The_known_names_are_exactly_the_options_public_properties()
    {
        Assert.Equal(Settable(typeof(TaskProtectionOptions)), UnknownSettings.OptionNames.Order());
        Assert.Equal(Settable(typeof(EcsApiOptions)), UnknownSettings.EcsApiNames.Order());
        string[] computed = [.. typeof(TaskProtectionOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.SetMethod is not { IsPublic: true }).Select(static p => p.Name).Order()];
        Assert.Equal(computed, UnknownSettings.ComputedNames.Order());
    }

    [Theory]
    [InlineData("ProtectionBufer", "ProtectionBuffer")]
    [InlineData("releasedelai", "ReleaseDelay")]
    [InlineData("Check_Interval", "CheckInterval")]
    [InlineData("RequestTimeOutt", "RequestTimeout")]
    [InlineData("DrainOnDeploymnt", "DrainOnDeployment")]
    [InlineData("DeploymentCheckIntervall", "DeploymentCheckInterval")]
    [InlineData("Buffer", null)]
    [InlineData("Logging", null)]
    public void A_close_name_is_suggested_and_a_far_one_is_not(string key, string? suggestion)
    {
        Assert.Equal(suggestion, UnknownSettings.Nearest(key, UnknownSettings.OptionNames));
    }

    [Fact]
    public void Every_unknown_key_is_named_with_its_path_nested_ones_too()
    {
        IConfiguration configuration = Configuration(new()
        {
            ["TaskProtection:ProtectionBufer"] = "00:02:00",
            ["TaskProtection:ReleaseDelay"] = "00:00:05",
            ["TaskProtection:protectionbuffer"] = "00:02:00",
            ["TaskProtection:EcsApi:Regoin"] = "eu-west-1",
            ["TaskProtection:EcsApi:Cluster"] = "jobs",
            ["TaskProtection:ExpiresInMinutes"] = "7",
            ["TaskProtection:Nonsense"] = "1",
            ["TaskProtection:DrainTimeout:Seconds"] = "20",
            ["Logging:LogLevel:Default"] = "Warning",
        });

        Assert.Equal(
            [
                "Unknown setting TaskProtection:DrainTimeout:Seconds: DrainTimeout takes a value, not settings under it.",
                "Unknown setting TaskProtection:EcsApi:Regoin: did you mean Region?",
                "Unknown setting TaskProtection:ExpiresInMinutes: ExpiresInMinutes is computed from the other options and cannot be set.",
                "Unknown setting TaskProtection:Nonsense: no option has that name.",
                "Unknown setting TaskProtection:ProtectionBufer: did you mean ProtectionBuffer?",
            ],
            UnknownSettings.Find(configuration).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_host_with_a_misspelt_setting_fails_to_start_saying_which_and_what_was_meant()
    {
        using IHost host = Host(new() { ["TaskProtection:ProtectionBufer"] = "00:02:00" });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("Invalid TaskProtection configuration: Unknown setting TaskProtection:ProtectionBufer: did you mean ProtectionBuffer?", error.Message);
    }

    [Fact]
    public async Task Several_problems_are_sentences_one_a_line_not_joined_with_semicolons()
    {
        using IHost host = Host(new() { ["TaskProtection:EcsApi:Regoin"] = "eu-west-1", ["TaskProtection:CheckInterval"] = "00:05:00" });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string[] lines = error.Message.Split(Environment.NewLine);
        Assert.Equal("Invalid TaskProtection configuration, 2 problems:", lines[0]);
        Assert.Equal("  - Unknown setting TaskProtection:EcsApi:Regoin: did you mean Region?", lines[1]);
        Assert.StartsWith("  - GapSafetyMargin ≥ RequestTimeout + 2 × SchedulingTolerance fails", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain(".;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_correct_configuration_starts_nested_EcsApi_keys_and_any_case_included()
    {
        using IHost host = Host(new()
        {
            ["TaskProtection:protectionBUFFER"] = "00:02:00",
            ["TaskProtection:EcsApi:Region"] = "eu-west-1",
            ["TaskProtection:MaxProtectionDrain"] = "00:30:00",
            ["TaskProtection:DrainOnDeployment"] = "false",
            ["TaskProtection:DeploymentCheckInterval"] = "00:05:00",
        });

        await host.StartAsync();
        TaskProtectionOptions options = host.Services.GetRequiredService<IOptions<TaskProtectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(30), options.MaxProtectionDrain);
        Assert.False(options.DrainOnDeployment);
        Assert.Equal(TimeSpan.FromMinutes(5), options.DeploymentCheckInterval);
        await host.StopAsync();
    }

    private static string[] Settable(Type options) =>
        [.. options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.SetMethod is { IsPublic: true }).Select(static p => p.Name).Order()];

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static IHost Host(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new CriticalSessionRegistry());
        builder.Services.AddTaskProtection();
        return builder.Build();
    }
}

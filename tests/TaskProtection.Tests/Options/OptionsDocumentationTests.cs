using System.Reflection;
using System.Xml.Linq;

namespace TaskProtection.Tests.Options;

/// <summary>Every settable option of every package documents its default and range in a <c>&lt;value&gt;</c> element, as Polly's do.</summary>
public sealed class OptionsDocumentationTests
{
    public static TheoryData<Type> OptionTypes => new()
    {
        typeof(TaskProtectionOptions),
        typeof(EcsApiOptions),
        typeof(TaskProtection.Quartz.QuartzTaskProtectionOptions),
        typeof(TaskProtection.Hangfire.HangfireTaskProtectionOptions),
    };

    [Theory]
    [MemberData(nameof(OptionTypes))]
    public void Every_settable_option_has_a_value_element_with_its_default(Type options)
    {
        string xmlPath = Path.ChangeExtension(options.Assembly.Location, ".xml");
        XDocument docs = XDocument.Load(xmlPath);
        string[] missing = [.. options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.SetMethod is { IsPublic: true })
            .Where(p => docs.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == $"P:{options.FullName}.{p.Name}")?.Element("value") is not { } value
                        || !value.Value.Contains("Default", StringComparison.Ordinal))
            .Select(static p => p.Name)];

        Assert.True(missing.Length == 0, $"{options.Name}: no <value> saying the default for {string.Join(", ", missing)}");
    }
}

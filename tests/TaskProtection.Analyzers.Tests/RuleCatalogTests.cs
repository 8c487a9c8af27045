using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Analyzers.Tests;

/// <summary>Every rule the package reports has one ID, a docs page its help link points to, and a release-tracking row.</summary>
public sealed class RuleCatalogTests
{
    private static DiagnosticDescriptor[] AnalyzerRules() =>
        typeof(Rules).Assembly.GetTypes()
            .Where(static t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(static t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .ToArray();

    private static DiagnosticDescriptor[] GeneratorRules() =>
        typeof(Generators.CriticalSectionGenerator).Assembly.GetType("TaskProtection.Generators.Diagnostics.GeneratorDiagnostics", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(static f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToArray();

    [Fact]
    public void Ids_are_unique_across_analyzers_and_generator()
    {
        string[] ids = [.. AnalyzerRules().Select(static d => d.Id).Distinct(), .. GeneratorRules().Select(static d => d.Id)];
        Assert.Equal(DiagnosticIds.All, ids.Order(StringComparer.Ordinal));
        Assert.All(AnalyzerRules().Concat(GeneratorRules()), static d => Assert.Equal(DiagnosticIds.Category, d.Category));
    }

    [Fact]
    public void Every_rule_has_a_docs_page_that_its_help_link_names()
    {
        foreach (DiagnosticDescriptor rule in AnalyzerRules().Concat(GeneratorRules()))
        {
            string page = RepositoryFiles.Path("docs", "rules", rule.Id + ".md");
            Assert.True(File.Exists(page), $"No docs page for {rule.Id}.");
            Assert.EndsWith($"/docs/rules/{rule.Id}.md", rule.HelpLinkUri, StringComparison.Ordinal);
            Assert.StartsWith($"# {rule.Id}: {rule.Title}", File.ReadAllText(page), StringComparison.Ordinal);
            Assert.Contains($"[{rule.Id}](docs/rules/{rule.Id}.md)", File.ReadAllText(RepositoryFiles.Path("README.md")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_rule_is_tracked_in_its_release_file_with_its_severity()
    {
        string analyzers = Releases("Analyzers");
        string generator = Releases("Generators");
        foreach (DiagnosticDescriptor rule in AnalyzerRules())
        {
            Assert.Contains($"{rule.Id} | TaskProtection | {rule.DefaultSeverity} |", analyzers, StringComparison.Ordinal);
        }

        foreach (DiagnosticDescriptor rule in GeneratorRules())
        {
            Assert.Contains($"{rule.Id} | TaskProtection | {rule.DefaultSeverity} |", generator, StringComparison.Ordinal);
        }
    }

    /// <summary>The rules a project has shipped (0.1.0 on) and those it will ship next: a rule is tracked in one or the other.</summary>
    private static string Releases(string project) =>
        File.ReadAllText(RepositoryFiles.Path("src", project, "AnalyzerReleases.Shipped.md")) +
        File.ReadAllText(RepositoryFiles.Path("src", project, "AnalyzerReleases.Unshipped.md"));
}

using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TaskProtection.Generators.Tests.Infrastructure;

/// <summary>
/// What every generator run must show: each tracked step's outputs are plain data (no symbol, syntax node, location,
/// semantic model or compilation, any of which would defeat caching and leak memory in the IDE), and a second run over
/// an edit elsewhere finds every tracked step and source output cached.
/// </summary>
public static class PipelineChecks
{
    public static readonly string[] TrackedSteps = [TrackingNames.Parsed, TrackingNames.Diagnostics, TrackingNames.Specs, TrackingNames.Types];

    /// <summary>Both checks on a driver that has run once over <paramref name="compilation"/>.</summary>
    public static void AssertIncremental(GeneratorDriver driver, CSharpCompilation compilation)
    {
        AssertOutputsArePlainData(driver.GetRunResult().Results.Single());
        CSharpCompilation edited = compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("namespace Elsewhere; internal sealed class Unrelated { }", GeneratorRunner.ParseOptions, path: "Unrelated.cs"));
        AssertAllCached(driver.RunGenerators(edited).GetRunResult().Results.Single());
    }

    /// <summary>Every output of every tracked step that ran (a step with no input, such as diagnostics where there are none, does not appear).</summary>
    public static void AssertOutputsArePlainData(GeneratorRunResult result)
    {
        foreach (string name in TrackedSteps.Where(result.TrackedSteps.ContainsKey))
        {
            foreach ((object value, _) in result.TrackedSteps[name].SelectMany(static step => step.Outputs))
            {
                AssertPlainData(value, $"{name} output", []);
            }
        }
    }

    public static void AssertAllCached(GeneratorRunResult result)
    {
        foreach (string name in TrackedSteps.Where(result.TrackedSteps.ContainsKey))
        {
            foreach ((_, IncrementalStepRunReason reason) in result.TrackedSteps[name].SelectMany(static step => step.Outputs))
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step '{name}' produced a {reason} output after an unrelated edit.");
            }
        }

        // Source outputs: cached. The diagnostics output re-runs on each compilation by design (it binds locations to the
        // current trees) and only reports; the diagnostic tests check it.
        if (!result.TrackedOutputSteps.TryGetValue("SourceOutput", out var outputs))
        {
            return;
        }

        foreach ((_, IncrementalStepRunReason reason) in outputs
            .Where(static step => step.Inputs.All(static input => input.Source.Name != TrackingNames.DiagnosticsToReport))
            .SelectMany(static step => step.Outputs))
        {
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step was {reason}.");
        }
    }

    /// <summary>Walks the object graph: plain values, strings, enums, arrays and records of them only.</summary>
    public static void AssertPlainData(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or Location or Compilation or SemanticModel or SyntaxTree,
            $"{path} holds a {value.GetType().Name}.");
        if (!value.GetType().IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertPlainData(item, $"{path}[{i++}]", visited);
            }
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertPlainData(field.GetValue(value), $"{path}.{field.Name}", visited);
        }
    }
}

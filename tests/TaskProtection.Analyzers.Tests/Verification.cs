using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using TaskProtection.Generators;

namespace TaskProtection.Analyzers.Tests;

/// <summary>
/// The test set-up every analyzer and code fix test shares: net10.0 reference assemblies, the runtime
/// referenced, and the source generator running, so critical sections are implemented as in a real build and its
/// TP01xx diagnostics are there for the fixes.
/// </summary>
internal static class Verification
{
    public static readonly ReferenceAssemblies Net10 = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.10"),
        Path.Combine("ref", "net10.0"));

    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using TaskProtection;

        """;

    public static void Configure(SolutionState state)
    {
        state.ReferenceAssemblies = Net10;
        state.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(CriticalSectionAttribute).Assembly.Location));
    }

    public static async Task AnalyzeAsync<TAnalyzer>(string source)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = Usings + source };
        await test.RunAsync();
    }

    public static async Task FixAsync<TAnalyzer, TFix>(string source, string fixedSource, DiagnosticResult[]? compilerErrors = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var test = new FixTest<TAnalyzer, TFix> { TestCode = Usings + source, FixedCode = Usings + fixedSource };
        if (compilerErrors is not null)
        {
            // The fixed code must then have none: stop it from inheriting the test state's expectations.
            test.TestState.ExpectedDiagnostics.AddRange(compilerErrors);
            test.FixedState.InheritanceMode = StateInheritanceMode.Explicit;
        }

        await test.RunAsync();
    }

    internal sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public AnalyzerTest()
        {
            Configure(TestState);
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(CriticalSectionGenerator)];
    }

    internal sealed class FixTest<TAnalyzer, TFix> : CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        public FixTest()
        {
            Configure(TestState);
            Configure(FixedState);
            FixedState.MarkupHandling = MarkupMode.Allow;
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(CriticalSectionGenerator)];
    }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TaskProtection.Generators.Model;

namespace TaskProtection.Generators;

/// <summary>
/// Implements every <c>[CriticalSection]</c> partial method so that each call runs inside a session of
/// <c>CriticalSessionRegistry.Default</c>, and reports the methods it cannot wrap as errors.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class CriticalSectionGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<CriticalSectionResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                CriticalSectionParser.AttributeMetadataName,
                predicate: static (node, _) => node is MethodDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => CriticalSectionParser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parsed);

        IncrementalValuesProvider<DiagnosticInfo> diagnostics = results
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        // Diagnostics are bound to the current compilation's syntax trees when reported, so that they carry real source
        // locations: #pragma suppression, code fixes and every IDE then see them in the file. This output re-runs on each
        // compilation, but only reports: parsing and emitting above stay cached.
        context.RegisterSourceOutput(
            diagnostics.Collect().Combine(context.CompilationProvider).WithTrackingName(TrackingNames.DiagnosticsToReport),
            static (output, pair) =>
            {
                foreach (DiagnosticInfo diagnostic in pair.Left)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
                }
            });

        IncrementalValuesProvider<CriticalMethodSpec> specs = results
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);

        // One file per containing type. Grouping re-runs when any method changes, but each type's file is only written
        // again when its own methods changed: the groups are equatable.
        IncrementalValuesProvider<CriticalTypeSpec> types = specs
            .Collect()
            .SelectMany(static (all, _) => CriticalTypeSpec.Group(all))
            .WithTrackingName(TrackingNames.Types);
        context.RegisterSourceOutput(types, static (output, type) => output.AddSource(type.HintName, CriticalSectionEmitter.Emit(type)));
    }
}

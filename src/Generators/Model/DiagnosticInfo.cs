using Microsoft.CodeAnalysis;
using TaskProtection.Generators.Diagnostics;

namespace TaskProtection.Generators.Model;

/// <summary>A diagnostic carried through the pipeline as data; turned into a <see cref="Diagnostic"/> only when reported.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location location, params string[] arguments) =>
        new(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(arguments));

    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(
            GeneratorDiagnostics.ById(Id),
            Location?.ToLocation(compilation),
            Arguments.Select(static argument => (object?)argument).ToArray());
}

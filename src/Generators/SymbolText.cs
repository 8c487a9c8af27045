using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TaskProtection.Generators;

/// <summary>How symbols are written into generated code (fully qualified) and into messages (short).</summary>
internal static class SymbolText
{
    /// <summary>Generated code: <c>global::</c>-qualified, keywords escaped, nullable annotations kept.</summary>
    public static readonly SymbolDisplayFormat Code = SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(
        SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Messages: the names a developer wrote.</summary>
    public static readonly SymbolDisplayFormat Short = SymbolDisplayFormat.MinimallyQualifiedFormat.AddMiscellaneousOptions(
        SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) is SyntaxKind.AwaitKeyword
            ? "@" + identifier
            : identifier;

    public static string TypeParameterList(IEnumerable<ITypeParameterSymbol> typeParameters)
    {
        string[] names = typeParameters.Select(static t => Escape(t.Name)).ToArray();
        return names.Length == 0 ? "" : "<" + string.Join(", ", names) + ">";
    }

    /// <summary>The <c>where</c> clauses an implementing part must repeat, in the order C# requires.</summary>
    public static IEnumerable<string> ConstraintClauses(IMethodSymbol method)
    {
        foreach (ITypeParameterSymbol typeParameter in method.TypeParameters)
        {
            var constraints = new List<string>();
            if (typeParameter.HasUnmanagedTypeConstraint)
            {
                constraints.Add("unmanaged");
            }
            else if (typeParameter.HasValueTypeConstraint)
            {
                constraints.Add("struct");
            }
            else if (typeParameter.HasReferenceTypeConstraint)
            {
                constraints.Add(typeParameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
            }
            else if (typeParameter.HasNotNullConstraint)
            {
                constraints.Add("notnull");
            }

            constraints.AddRange(typeParameter.ConstraintTypes.Select(static t => t.ToDisplayString(Code)));
            if (typeParameter.HasConstructorConstraint && !typeParameter.HasValueTypeConstraint)
            {
                constraints.Add("new()");
            }

            if (typeParameter.AllowsRefLikeType)
            {
                constraints.Add("allows ref struct");
            }

            if (constraints.Count > 0)
            {
                yield return $"where {Escape(typeParameter.Name)} : {string.Join(", ", constraints)}";
            }
        }
    }

    /// <summary>The name of a type and its containing types as written in C#, without namespace or type arguments.</summary>
    public static string NestedTypeName(INamedTypeSymbol type)
    {
        var names = new Stack<string>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            names.Push(current.Name);
        }

        return string.Join(".", names);
    }

    /// <summary>Unique per method (overloads included) and stable across builds: orders the methods within a generated file.</summary>
    public static string Identity(IMethodSymbol method) => method.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}

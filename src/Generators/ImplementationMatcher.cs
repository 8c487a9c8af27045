using Microsoft.CodeAnalysis;
using TaskProtection.Generators.Diagnostics;
using TaskProtection.Generators.Model;

namespace TaskProtection.Generators;

/// <summary>
/// Finds the implementation method a wrapper calls and checks that its signature is exactly the declaration's, nullability
/// included: a looser match would make the generated call warn or fail to compile in the user's build.
/// </summary>
internal static class ImplementationMatcher
{
    /// <summary>Returns the matching implementation method, or null after adding the diagnostic that says why there is none.</summary>
    public static IMethodSymbol? Find(
        IMethodSymbol declaration, ReturnShape shape, string displayName, string implementationName, Location location, List<DiagnosticInfo> diagnostics)
    {
        IMethodSymbol[] candidates = declaration.ContainingType.GetMembers(implementationName)
            .OfType<IMethodSymbol>()
            .Where(static m => m.MethodKind == MethodKind.Ordinary)
            .ToArray();
        if (candidates.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                GeneratorDiagnostics.ImplementationMissing,
                location,
                displayName,
                implementationName,
                ExpectedSignature(declaration, shape, implementationName),
                declaration.ContainingType.Name));
            return null;
        }

        string? firstMismatch = null;
        foreach (IMethodSymbol candidate in candidates)
        {
            string? mismatch = Mismatch(declaration, candidate);
            if (mismatch is null)
            {
                if (candidate.ReturnsVoid && candidate.IsAsync)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.AsyncVoidImplementation, location, displayName, implementationName));
                    return null;
                }

                return candidate;
            }

            firstMismatch ??= mismatch;
        }

        string reason = candidates.Length == 1 ? firstMismatch! : $"none of its {candidates.Length} overloads matches; the first: {firstMismatch}";
        diagnostics.Add(DiagnosticInfo.Create(
            GeneratorDiagnostics.ImplementationMismatch, location, displayName, implementationName, reason, ExpectedSignature(declaration, shape, implementationName)));
        return null;
    }

    /// <summary>The implementation method a user should write: private, async where the shape awaits, same parameters.</summary>
    public static string ExpectedSignature(IMethodSymbol declaration, ReturnShape shape, string implementationName)
    {
        bool isAsync = shape.Awaits();
        string returnType = ReturnShapes.RefReturnPrefix(declaration)
            + declaration.ReturnType.ToDisplayString(SymbolText.Short);
        string parameters = string.Join(", ", declaration.Parameters.Select(static p =>
            RefKindText(p.RefKind) + p.Type.ToDisplayString(SymbolText.Short) + " " + SymbolText.Escape(p.Name)));
        return $"private {(declaration.IsStatic ? "static " : "")}{(isAsync ? "async " : "")}{returnType} {implementationName}"
            + $"{SymbolText.TypeParameterList(declaration.TypeParameters)}({parameters})";
    }

    private static string? Mismatch(IMethodSymbol declaration, IMethodSymbol candidate)
    {
        // An instance declaration may use a static implementation (one that needs no instance data, as CA1822 asks).
        if (declaration.IsStatic && !candidate.IsStatic)
        {
            return "it is not static";
        }

        if (candidate.Arity != declaration.Arity)
        {
            return $"it has {candidate.Arity} type parameters where the declaration has {declaration.Arity}";
        }

        if (candidate.Parameters.Length != declaration.Parameters.Length)
        {
            return $"it has {candidate.Parameters.Length} parameters where the declaration has {declaration.Parameters.Length}";
        }

        // Compare in terms of the declaration's type parameters.
        IMethodSymbol constructed = candidate.Arity == 0 ? candidate : candidate.Construct(declaration.TypeParameters.ToArray<ITypeSymbol>());
        for (int i = 0; i < declaration.Parameters.Length; i++)
        {
            IParameterSymbol expected = declaration.Parameters[i];
            IParameterSymbol actual = constructed.Parameters[i];
            if (!SameRefKind(expected.RefKind, actual.RefKind))
            {
                return $"parameter '{actual.Name}' is passed as '{RefKindName(actual.RefKind)}' where the declaration's is passed as '{RefKindName(expected.RefKind)}'";
            }

            string? typeMismatch = TypeMismatch(expected.Type, actual.Type);
            if (typeMismatch is not null)
            {
                return $"parameter '{actual.Name}' {typeMismatch}";
            }
        }

        if (constructed.ReturnsByRef != declaration.ReturnsByRef || constructed.ReturnsByRefReadonly != declaration.ReturnsByRefReadonly)
        {
            return "it does not return by reference the way the declaration does";
        }

        string? returnMismatch = TypeMismatch(declaration.ReturnType, constructed.ReturnType);
        if (returnMismatch is not null)
        {
            return $"its return type {returnMismatch}";
        }

        for (int i = 0; i < declaration.TypeParameters.Length; i++)
        {
            if (!SameConstraints(declaration.TypeParameters[i], candidate.TypeParameters[i]))
            {
                return $"the constraints of type parameter '{candidate.TypeParameters[i].Name}' differ from the declaration's";
            }
        }

        return null;
    }

    private static string? TypeMismatch(ITypeSymbol expected, ITypeSymbol actual)
    {
        if (!SymbolEqualityComparer.Default.Equals(expected, actual))
        {
            return $"is '{actual.ToDisplayString(SymbolText.Short)}' where the declaration's is '{expected.ToDisplayString(SymbolText.Short)}'";
        }

        // Oblivious (nullable-disabled) code matches anything; annotated code must agree, or the generated call would warn.
        if (!SymbolEqualityComparer.IncludeNullability.Equals(expected, actual) && !IsOblivious(expected) && !IsOblivious(actual))
        {
            return $"is '{actual.ToDisplayString(SymbolText.Short)}' where the declaration's is '{expected.ToDisplayString(SymbolText.Short)}' (nullability differs)";
        }

        return null;
    }

    private static bool IsOblivious(ITypeSymbol type) => type switch
    {
        { NullableAnnotation: NullableAnnotation.None, IsValueType: false } => true,
        INamedTypeSymbol named => named.TypeArguments.Any(IsOblivious),
        IArrayTypeSymbol array => IsOblivious(array.ElementType),
        _ => false,
    };

    private static bool SameConstraints(ITypeParameterSymbol expected, ITypeParameterSymbol actual)
    {
        if (expected.HasReferenceTypeConstraint != actual.HasReferenceTypeConstraint
            || expected.HasValueTypeConstraint != actual.HasValueTypeConstraint
            || expected.HasUnmanagedTypeConstraint != actual.HasUnmanagedTypeConstraint
            || expected.HasNotNullConstraint != actual.HasNotNullConstraint
            || expected.HasConstructorConstraint != actual.HasConstructorConstraint
            || expected.AllowsRefLikeType != actual.AllowsRefLikeType
            || expected.ConstraintTypes.Length != actual.ConstraintTypes.Length)
        {
            return false;
        }

        // Constraint types may name the method's own type parameters: compared by symbols, those by ordinal.
        var unmatched = actual.ConstraintTypes.ToList();
        foreach (ITypeSymbol constraint in expected.ConstraintTypes)
        {
            int match = unmatched.FindIndex(candidate => SameType(constraint, candidate));
            if (match < 0)
            {
                return false;
            }

            unmatched.RemoveAt(match);
        }

        return true;
    }

    /// <summary>The same type, where a method type parameter of one stands for the other's with the same ordinal.</summary>
    private static bool SameType(ITypeSymbol expected, ITypeSymbol actual) => (expected, actual) switch
    {
        (ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } e, ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } a) => e.Ordinal == a.Ordinal,
        (IArrayTypeSymbol e, IArrayTypeSymbol a) => e.Rank == a.Rank && SameType(e.ElementType, a.ElementType),
        (INamedTypeSymbol { IsGenericType: true } e, INamedTypeSymbol { IsGenericType: true } a) =>
            SymbolEqualityComparer.Default.Equals(e.OriginalDefinition, a.OriginalDefinition)
            && e.TypeArguments.Zip(a.TypeArguments, SameType).All(static same => same)
            && (e.ContainingType is null || SameType(e.ContainingType, a.ContainingType!)),
        _ => SymbolEqualityComparer.Default.Equals(expected, actual),
    };

    private static bool SameRefKind(RefKind expected, RefKind actual) =>
        expected == actual || (IsReadOnlyReference(expected) && IsReadOnlyReference(actual));

    private static bool IsReadOnlyReference(RefKind kind) => kind is RefKind.In or RefKind.RefReadOnlyParameter;

    private static string RefKindName(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        RefKind.RefReadOnlyParameter => "ref readonly",
        _ => "value",
    };

    private static string RefKindText(RefKind kind) => kind == RefKind.None ? "" : RefKindName(kind) + " ";
}

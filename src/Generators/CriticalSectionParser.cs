using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TaskProtection.Generators.Diagnostics;
using TaskProtection.Generators.Model;

namespace TaskProtection.Generators;

/// <summary>
/// Turns one <c>[CriticalSection]</c> method into a <see cref="CriticalSectionResult"/>: plain data for the emitter, and
/// diagnostics for what cannot be wrapped. Nothing it returns holds a symbol, a syntax node or a location.
/// </summary>
internal static class CriticalSectionParser
{
    public const string AttributeMetadataName = CriticalSectionNames.AttributeMetadataName;

    public static CriticalSectionResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var syntax = (MethodDeclarationSyntax)context.TargetNode;
        var method = (IMethodSymbol)context.TargetSymbol;
        cancellationToken.ThrowIfCancellationRequested();

        string displayName = SymbolText.NestedTypeName(method.ContainingType) + "." + method.Name;
        string implementationName = CriticalSectionNames.ImplementationName(method.Name);
        Location identifier = syntax.Identifier.GetLocation();

        DiagnosticInfo? declarationError = CheckDeclaration(syntax, method, displayName, implementationName, identifier)
            ?? CheckContainingTypes(syntax, displayName, identifier);
        if (declarationError is not null)
        {
            // Nothing can be emitted: a part would not compile, and the compiler already reports the missing body, if any.
            return new CriticalSectionResult(null, new EquatableArray<DiagnosticInfo>([declarationError]));
        }

        var diagnostics = new List<DiagnosticInfo>();
        string sessionName = SessionName(context.Attributes[0], method, displayName, diagnostics);
        ReturnShape shape = ClassifyReturn(method, displayName, identifier, diagnostics);
        EquatableArray<ParameterSpec> parameters = Parameters(syntax, method, shape, displayName, identifier, diagnostics);
        IMethodSymbol? implementation = diagnostics.Count == 0
            ? ImplementationMatcher.Find(method, shape, displayName, implementationName, identifier, diagnostics)
            : null;

        int tokenIndex = CancellationTokenIndex(method);
        var spec = new CriticalMethodSpec(
            Identity: SymbolText.Identity(method),
            Namespace: method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString(),
            ContainingTypes: ContainingTypes(syntax),
            Modifiers: string.Join(" ", syntax.Modifiers.Where(static m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(static m => m.Text)),
            ReturnType: ReturnShapes.RefReturnPrefix(method) + method.ReturnType.ToDisplayString(SymbolText.Code),
            ReturnsByRef: method.ReturnsByRef || method.ReturnsByRefReadonly,
            Shape: shape,
            ElementType: ElementType(method, shape),
            Name: SymbolText.Escape(method.Name),
            TypeParameters: SymbolText.TypeParameterList(method.TypeParameters),
            ConstraintClauses: SymbolText.ConstraintClauses(method).ToEquatableArray(),
            IsOverride: method.IsOverride,
            Parameters: parameters,
            ImplementationName: SymbolText.Escape(implementationName) + SymbolText.TypeParameterList(method.TypeParameters),
            Instance: method.IsStatic || implementation?.IsStatic == true
                ? InstanceKind.Static
                : method.ContainingType.IsValueType ? InstanceKind.Struct : InstanceKind.Class,
            SelfType: method.ContainingType.ToDisplayString(SymbolText.Code),
            SessionName: sessionName,
            CancellationTokenIndex: tokenIndex,
            AddEnumeratorCancellation: shape == ReturnShape.AsyncEnumerable && tokenIndex >= 0 && !HasEnumeratorCancellation(method.Parameters[tokenIndex]),
            CannotProtectMessage: diagnostics.Count == 0
                ? null
                : $"'{displayName}' cannot be protected ({diagnostics[0].Id}); the build reported why. This body only stands in so that nothing else fails to compile.");
        return new CriticalSectionResult(spec, diagnostics.ToEquatableArray());
    }

    private static DiagnosticInfo? CheckDeclaration(
        MethodDeclarationSyntax syntax, IMethodSymbol method, string displayName, string implementationName, Location identifier)
    {
        bool isPartial = syntax.Modifiers.Any(SyntaxKind.PartialKeyword);
        bool hasBody = syntax.Body is not null || syntax.ExpressionBody is not null;
        if (isPartial && hasBody && method.PartialDefinitionPart is not null)
        {
            return DiagnosticInfo.Create(GeneratorDiagnostics.AlreadyImplemented, identifier, displayName, implementationName);
        }

        if (!isPartial || hasBody)
        {
            return DiagnosticInfo.Create(
                GeneratorDiagnostics.NotPartialDeclaration, identifier, displayName, PartialDeclarationText(method), implementationName);
        }

        return method.PartialImplementationPart is null
            ? null
            : DiagnosticInfo.Create(GeneratorDiagnostics.AlreadyImplemented, identifier, displayName, implementationName);
    }

    private static DiagnosticInfo? CheckContainingTypes(MethodDeclarationSyntax syntax, string displayName, Location identifier)
    {
        var notPartial = new List<string>();
        foreach (TypeDeclarationSyntax type in syntax.Ancestors().OfType<TypeDeclarationSyntax>())
        {
            if (type is InterfaceDeclarationSyntax)
            {
                return DiagnosticInfo.Create(
                    GeneratorDiagnostics.UnsupportedContainingType, identifier, displayName, $"it is declared in the interface '{type.Identifier.Text}'");
            }

            if (type.Modifiers.Any(SyntaxKind.FileKeyword))
            {
                return DiagnosticInfo.Create(
                    GeneratorDiagnostics.UnsupportedContainingType, identifier, displayName, $"'{type.Identifier.Text}' is a file-local type, which no generated file can extend");
            }

            if (!type.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                notPartial.Insert(0, $"'{type.Identifier.Text}'");
            }
        }

        return notPartial.Count == 0
            ? null
            : DiagnosticInfo.Create(GeneratorDiagnostics.ContainingTypeNotPartial, identifier, displayName, string.Join(" and ", notPartial));
    }

    private static string SessionName(AttributeData attribute, IMethodSymbol method, string displayName, List<DiagnosticInfo> diagnostics)
    {
        if (attribute.ConstructorArguments.Length == 0)
        {
            return displayName;
        }

        string? name = attribute.ConstructorArguments[0].Value as string;
        if (!string.IsNullOrWhiteSpace(name))
        {
            return name!;
        }

        Location location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? method.Locations[0];
        diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.InvalidSessionName, location, displayName, displayName));
        return displayName;
    }

    private static ReturnShape ClassifyReturn(IMethodSymbol method, string displayName, Location identifier, List<DiagnosticInfo> diagnostics)
    {
        if (method.ReturnsVoid)
        {
            return ReturnShape.Void;
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return ReturnShape.Value;
        }

        ITypeSymbol type = method.ReturnType;
        ReturnShape? known = KnownTypes.Shape(type);
        if (known is not null)
        {
            return known.Value;
        }

        string? problem = KnownTypes.IsEnumerator(type)
            ? $"it returns '{type.ToDisplayString(SymbolText.Short)}', whose work runs after the method has returned and its session has ended"
            : KnownTypes.IsAwaitable(type)
                ? $"it returns '{type.ToDisplayString(SymbolText.Short)}', an awaitable whose completion the session cannot follow"
                : null;
        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.UnsupportedReturnType, identifier, displayName, problem));
        }

        return ReturnShape.Value;
    }

    private static EquatableArray<ParameterSpec> Parameters(
        MethodDeclarationSyntax syntax, IMethodSymbol method, ReturnShape shape, string displayName, Location identifier, List<DiagnosticInfo> diagnostics)
    {
        bool awaits = shape.Awaits();
        bool iterates = shape is ReturnShape.AsyncEnumerable or ReturnShape.Enumerable;
        if ((awaits || iterates) && !method.IsStatic && method.ContainingType.IsRefLikeType)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                GeneratorDiagnostics.CannotCrossAwait,
                identifier,
                displayName,
                $"it is an instance method of the ref struct '{method.ContainingType.Name}', which cannot be kept while {(awaits ? "awaiting protection" : "enumerating")}",
                "Make it static and pass the state in, or make it synchronous."));
        }

        var parameters = new ParameterSpec[method.Parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            ParameterSyntax parameterSyntax = syntax.ParameterList.Parameters[i];
            parameters[i] = new ParameterSpec(
                string.Join(" ", parameterSyntax.Modifiers.Select(static m => m.Text)),
                parameter.Type.ToDisplayString(SymbolText.Code),
                SymbolText.Escape(parameter.Name),
                parameter.RefKind switch
                {
                    RefKind.Ref => "ref ",
                    RefKind.Out => "out ",
                    RefKind.None => "",
                    _ => "in ",
                });

            string? problem = null;
            string? fix = null;
            if ((awaits || iterates) && IsRefLike(parameter.Type))
            {
                problem = $"parameter '{parameter.Name}' is a ref struct or pointer ('{parameter.Type.ToDisplayString(SymbolText.Short)}'), which cannot be kept while {(iterates ? "enumerating" : "awaiting protection")}";
                fix = "Pass a Memory<T>, an array or a value instead, or make the method synchronous.";
            }
            else if (iterates && parameter.RefKind != RefKind.None)
            {
                problem = $"parameter '{parameter.Name}' is passed by reference, which an enumeration cannot take along";
                fix = "Pass it by value.";
            }
            else if (awaits && parameter.RefKind is RefKind.Ref or RefKind.Out)
            {
                problem = $"parameter '{parameter.Name}' is passed as '{(parameter.RefKind == RefKind.Ref ? "ref" : "out")}', which cannot be kept while awaiting protection";
                fix = "Pass it by value and return the result instead.";
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.CannotCrossAwait, identifier, displayName, problem, fix!));
            }
        }

        return new EquatableArray<ParameterSpec>(parameters);
    }

    private static bool IsRefLike(ITypeSymbol type) =>
        type.IsRefLikeType
        || type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
        || (type is ITypeParameterSymbol typeParameter && typeParameter.AllowsRefLikeType);

    private static int CancellationTokenIndex(IMethodSymbol method)
    {
        int first = -1;
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            if (parameter.RefKind != RefKind.None || !KnownTypes.IsCancellationToken(parameter.Type))
            {
                continue;
            }

            if (HasEnumeratorCancellation(parameter))
            {
                return i;
            }

            first = first < 0 ? i : first;
        }

        return first;
    }

    private static bool HasEnumeratorCancellation(IParameterSymbol parameter) =>
        parameter.GetAttributes().Any(static a => a.AttributeClass is { Name: "EnumeratorCancellationAttribute" } attribute
            && attribute.ContainingNamespace.ToDisplayString() == "System.Runtime.CompilerServices");

    private static string? ElementType(IMethodSymbol method, ReturnShape shape) =>
        shape is ReturnShape.TaskOfT or ReturnShape.ValueTaskOfT or ReturnShape.AsyncEnumerable or ReturnShape.Enumerable
            ? ((INamedTypeSymbol)method.ReturnType).TypeArguments[0].ToDisplayString(SymbolText.Code)
            : null;

    private static EquatableArray<ContainingTypeSpec> ContainingTypes(MethodDeclarationSyntax syntax) =>
        syntax.Ancestors()
            .OfType<TypeDeclarationSyntax>()
            .Reverse()
            .Select(static type => new ContainingTypeSpec(
                type switch
                {
                    RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    _ => "class",
                },
                SymbolText.Escape(type.Identifier.ValueText)
                    + (type.TypeParameterList is null ? "" : "<" + string.Join(", ", type.TypeParameterList.Parameters.Select(static p => SymbolText.Escape(p.Identifier.ValueText))) + ">")))
            .ToEquatableArray();

    /// <summary>The declaration a user should write instead of a method with a body, for messages and code fixes.</summary>
    private static string PartialDeclarationText(IMethodSymbol method)
    {
        string accessibility = SyntaxFacts.GetText(method.DeclaredAccessibility);
        return $"{accessibility}{(accessibility.Length > 0 ? " " : "")}{(method.IsStatic ? "static " : "")}partial "
            + method.ToDisplayString(SignatureFormat) + ";";
    }

    internal static readonly SymbolDisplayFormat SignatureFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeRef,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
            | SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeModifiers,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers
            | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
}

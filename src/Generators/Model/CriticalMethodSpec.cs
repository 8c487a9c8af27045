namespace TaskProtection.Generators.Model;

/// <summary>
/// Everything the emitter needs to write one implementing part; plain, equatable data. <see cref="ConstraintClauses"/>
/// are the type parameters' constraints even for an override, which inherits them and cannot restate them: the
/// generated helper that calls the implementation is not an override and needs them written out.
/// </summary>
internal sealed record CriticalMethodSpec(
    string Identity,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string Modifiers,
    string ReturnType,
    bool ReturnsByRef,
    ReturnShape Shape,
    string? ElementType,
    string Name,
    string TypeParameters,
    EquatableArray<string> ConstraintClauses,
    bool IsOverride,
    EquatableArray<ParameterSpec> Parameters,
    string ImplementationName,
    InstanceKind Instance,
    string SelfType,
    string SessionName,
    int CancellationTokenIndex,
    bool AddEnumeratorCancellation,
    string? CannotProtectMessage);

/// <summary>One containing type, outermost first: the keyword to reopen it with and its name with type parameters.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>
/// One parameter: the declaration's modifiers verbatim (<c>this</c>, <c>params</c>, <c>scoped</c>, <c>ref</c>, …), its type,
/// its escaped name, and the modifier to pass it on with (<c>ref </c>, <c>out </c>, <c>in </c> or nothing).
/// </summary>
internal sealed record ParameterSpec(string Modifiers, string Type, string Name, string ArgumentModifier);

/// <summary>How the implementation method is reached from the wrapper.</summary>
internal enum InstanceKind
{
    /// <summary>A static method: called by name.</summary>
    Static,

    /// <summary>An instance method of a class or record: called on <c>this</c>.</summary>
    Class,

    /// <summary>
    /// An instance method of a struct: an awaiting continuation cannot capture <c>this</c>, so it gets a copy, just as
    /// an async method of a struct works on a copy.
    /// </summary>
    Struct,
}

/// <summary>What the parser found for one <c>[CriticalSection]</c> method: a spec to emit, diagnostics, or both.</summary>
internal sealed record CriticalSectionResult(CriticalMethodSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

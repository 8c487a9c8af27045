namespace TaskProtection;

/// <summary>
/// The naming rule shared by the generator and the analyzers (compiled into both): the implementation of a critical
/// section <c>{Name}</c> is <c>{Name}Core</c>, or <c>{Stem}CoreAsync</c> when the name ends in <c>Async</c>.
/// </summary>
internal static class CriticalSectionNames
{
    public const string AttributeMetadataName = "TaskProtection.CriticalSectionAttribute";

    private const string AsyncSuffix = "Async";
    private const string CoreSuffix = "Core";
    private const string CoreAsyncSuffix = "CoreAsync";

    public static string ImplementationName(string name) =>
        name.Length > AsyncSuffix.Length && name.EndsWith(AsyncSuffix, StringComparison.Ordinal)
            ? name.Substring(0, name.Length - AsyncSuffix.Length) + CoreAsyncSuffix
            : name + CoreSuffix;

    /// <summary>The critical section name an implementation name belongs to, or null when it follows neither form.</summary>
    public static string? DeclarationName(string implementationName)
    {
        if (implementationName.Length > CoreAsyncSuffix.Length && implementationName.EndsWith(CoreAsyncSuffix, StringComparison.Ordinal))
        {
            return implementationName.Substring(0, implementationName.Length - CoreAsyncSuffix.Length) + AsyncSuffix;
        }

        return implementationName.Length > CoreSuffix.Length && implementationName.EndsWith(CoreSuffix, StringComparison.Ordinal)
            ? implementationName.Substring(0, implementationName.Length - CoreSuffix.Length)
            : null;
    }
}

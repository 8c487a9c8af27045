using System.Globalization;
using System.Text;
using TaskProtection.Testing;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>The fault kinds <c>fake-agent --fault</c> offers, by their kebab-case names (<c>too-many-requests</c>).</summary>
internal static class FaultNames
{
    /// <summary>
    /// Every kind but those that need more than a name: <see cref="AgentFaultKind.Scripted"/> needs the answer to give, and
    /// <see cref="AgentFaultKind.LateLanding"/> a delay to land after.
    /// </summary>
    public static IReadOnlyList<AgentFaultKind> Offered { get; } =
        [.. Enum.GetValues<AgentFaultKind>().Where(static k => k is not (AgentFaultKind.Scripted or AgentFaultKind.LateLanding))];

    public static string All => string.Join(", ", Offered.Select(Name));

    public static string Name(AgentFaultKind kind)
    {
        string text = kind.ToString();
        var name = new StringBuilder(text.Length + 4);
        for (int i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i]))
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(text[i]));
        }

        return name.ToString();
    }

    /// <summary>Reads <c>KIND</c> or <c>KIND:N</c>; null with <paramref name="error"/> saying why when it is neither.</summary>
    public static FaultStep? Parse(string text, out string? error)
    {
        string[] parts = text.Split(':', 2);
        AgentFaultKind? kind = Offered.Select(static k => (AgentFaultKind?)k).FirstOrDefault(k => string.Equals(Name(k!.Value), parts[0].Trim(), StringComparison.OrdinalIgnoreCase));
        if (kind is null)
        {
            error = $"--fault '{text}': no fault is called '{parts[0]}'. Valid names: {All}.";
            return null;
        }

        int calls = 1;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out calls) || calls < 1))
        {
            error = $"--fault '{text}': after the ':' comes how many calls get it, a whole number from 1.";
            return null;
        }

        error = null;
        return new FaultStep(kind.Value, calls);
    }
}

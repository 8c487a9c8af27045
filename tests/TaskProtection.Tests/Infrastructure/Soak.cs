namespace TaskProtection.Tests.Infrastructure;

/// <summary>How many scenarios a property test samples: its CI figure, or more for a soak through an environment variable.</summary>
internal static class Soak
{
    public static int Scenarios(string variable, int inCi) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out int n) && n > 0 ? n : inCi;
}

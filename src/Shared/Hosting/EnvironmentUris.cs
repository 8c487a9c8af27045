using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TaskProtection;

/// <summary>Addresses ECS sets in a container's environment, read from configuration first (so tests and hosts can set them).</summary>
internal static class EnvironmentUris
{
    /// <summary>The address in <paramref name="variable"/>, or null when unset; an unusable value stops start-up, saying so.</summary>
    public static Uri? Read(IServiceProvider services, string variable)
    {
        string? text = services.GetService<IConfiguration>()?[variable] ?? Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"{variable} = '{text}' is not an absolute http(s) URI. Unset it to run without protection, or fix its value.");
    }
}

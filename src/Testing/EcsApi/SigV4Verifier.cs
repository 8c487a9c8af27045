using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// Checks a request's SigV4 signature as ECS does, written apart from the client's signer (only the BCL's HMAC and
/// SHA-256) so that the two cannot agree on a shared mistake; both are held to the published test vectors.
/// </summary>
internal static class SigV4Verifier
{
    /// <summary>How far a request's X-Amz-Date may be from the server's clock, as AWS allows.</summary>
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    /// <summary>Null when the signature is good; else the error ECS would answer.</summary>
    public static EcsApiError? Verify(HttpRequestReader.Request request, string host, IReadOnlyDictionary<string, FakeEcsApiCredentials> keys, string region, string service, DateTimeOffset now)
    {
        string? authorization = Header(request, "Authorization");
        if (authorization is null)
        {
            return new EcsApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!TryParse(authorization, out string accessKey, out string scope, out string[] signedHeaders, out string signature))
        {
            return new EcsApiError(400, "IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature, with the AWS4-HMAC-SHA256 algorithm.");
        }

        if (!keys.TryGetValue(accessKey, out FakeEcsApiCredentials? key))
        {
            return new EcsApiError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        string? amzDate = Header(request, "X-Amz-Date");
        if (amzDate is null || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset signedAt))
        {
            return new EcsApiError(400, "IncompleteSignatureException", "X-Amz-Date is missing or not in the basic ISO 8601 format.");
        }

        if ((now - signedAt).Duration() > AllowedSkew)
        {
            return new EcsApiError(403, "InvalidSignatureException", $"Signature expired: {amzDate} is now earlier or later than the allowed 5 minutes.");
        }

        string expectedScope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        if (scope != expectedScope)
        {
            return new EcsApiError(403, "InvalidSignatureException", $"Credential should be scoped to {expectedScope}, not {scope}.");
        }

        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-amz-date"))
        {
            return new EcsApiError(403, "InvalidSignatureException", "Host and X-Amz-Date must be signed.");
        }

        if (key.SessionToken is { } token && (Header(request, "X-Amz-Security-Token") != token || !signedHeaders.Contains("x-amz-security-token")))
        {
            return new EcsApiError(400, "UnrecognizedClientException", "The security token included in the request is invalid (missing, wrong or not signed).");
        }

        string canonical = CanonicalRequest(request, host, signedHeaders);
        string computed = Signature(key.SecretAccessKey, amzDate, region, service, canonical);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(signature))
            ? null
            : new EcsApiError(403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    /// <summary>The canonical request of <paramref name="request"/> over the headers it says it signed.</summary>
    public static string CanonicalRequest(HttpRequestReader.Request request, string host, IReadOnlyList<string> signedHeaders)
    {
        var lines = new StringBuilder();
        lines.Append(request.Method).Append('\n').Append(CanonicalPath(request.Path)).Append('\n').Append(CanonicalQuery(request.Query)).Append('\n');
        foreach (string name in signedHeaders)
        {
            IEnumerable<string> values = name == "host" && Header(request, "Host") is null
                ? [host]
                : request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => Fold(h.Value));
            lines.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        lines.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(Hex(SHA256.HashData(request.Body)));
        return lines.ToString();
    }

    /// <summary>The signature: HMAC chain over date, region, service and "aws4_request", then over the string to sign.</summary>
    public static string Signature(string secretAccessKey, string amzDate, string region, string service, string canonicalRequest)
    {
        string scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        string stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (string part in (string[])[amzDate[..8], region, service, "aws4_request"])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static bool TryParse(string authorization, out string accessKey, out string scope, out string[] signedHeaders, out string signature)
    {
        accessKey = scope = signature = string.Empty;
        signedHeaders = [];
        const string Algorithm = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Algorithm, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = authorization[Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out string? credential) || !parts.TryGetValue("SignedHeaders", out string? headers) || !parts.TryGetValue("Signature", out string? sig))
        {
            return false;
        }

        int slash = credential.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        (accessKey, scope, signedHeaders, signature) = (credential[..slash], credential[(slash + 1)..], headers.Split(';'), sig);
        return true;
    }

    private static string CanonicalQuery(string query) =>
        string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(static p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .Order(StringComparer.Ordinal));

    /// <summary>Trimmed, each inner run of whitespace (a folded line's break included) one space.</summary>
    private static string Fold(string value) => string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The path as AWS services canonicalize it for SigV4 (all but S3): dot and empty segments resolved, a trailing
    /// slash kept, and each segment of the path as received escaped once more (so <c>%20</c> signs as <c>%2520</c>).
    /// </summary>
    private static string CanonicalPath(string path)
    {
        var kept = new Stack<string>();
        foreach (string segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (segment)
            {
                case ".":
                    break;
                case "..":
                    kept.TryPop(out _);
                    break;
                default:
                    kept.Push(Uri.EscapeDataString(segment));
                    break;
            }
        }

        string canonical = "/" + string.Join('/', kept.Reverse());
        return kept.Count > 0 && path.EndsWith('/') ? canonical + "/" : canonical;
    }

    private static string? Header(HttpRequestReader.Request request, string name) =>
        request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}

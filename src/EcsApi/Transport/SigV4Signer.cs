using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace TaskProtection;

/// <summary>
/// Signs a request with AWS Signature Version 4. The canonical request is built here (only what the ECS API's
/// <c>POST /</c> needs, plus header trimming and folding, so that the published test vectors apply); the key derivation,
/// string to sign and signature come from AWSSDK.Core's <see cref="AWS4Signer"/>.
/// </summary>
internal static class SigV4Signer
{
    /// <summary>The hex SHA-256 of a body.</summary>
    public static string PayloadHash(byte[] body) => Convert.ToHexStringLower(AWS4Signer.ComputeHash(body));

    /// <summary>The value of the <c>X-Amz-Date</c> header for <paramref name="signedAt"/>.</summary>
    public static string AmzDate(DateTime signedAt) => signedAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The <c>Authorization</c> header for a request whose headers (including <c>Host</c> and <c>X-Amz-Date</c>, and
    /// <c>X-Amz-Security-Token</c> when the credentials carry one) are all signed.
    /// </summary>
    public static string Authorization(
        ImmutableCredentials credentials,
        string region,
        string service,
        DateTime signedAt,
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHash)
    {
        string canonical = CanonicalRequest(method, path, query, headers, payloadHash, out string signedHeaders);
        return AWS4Signer.ComputeSignature(credentials, region, signedAt.ToUniversalTime(), service, signedHeaders, canonical).ForAuthorizationHeader;
    }

    /// <summary>The canonical request: method, path, query, sorted lower-case headers with trimmed values, signed header names, payload hash.</summary>
    public static string CanonicalRequest(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHash,
        out string signedHeaders)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach ((string name, string value) in headers)
        {
            string key = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(key, out List<string>? values))
            {
                byName[key] = values = [];
            }

            values.Add(TrimAll(value));
        }

        var text = new StringBuilder();
        text.Append(method).Append('\n').Append(path).Append('\n').Append(query).Append('\n');
        foreach ((string name, List<string> values) in byName)
        {
            text.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }

        signedHeaders = string.Join(';', byName.Keys);
        text.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return text.ToString();
    }

    /// <summary>Trims a header value and folds each run of spaces into one, as SigV4 asks.</summary>
    private static string TrimAll(string value)
    {
        var folded = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c is ' ' or '\t')
            {
                space = true;
                continue;
            }

            if (space && folded.Length > 0)
            {
                folded.Append(' ');
            }

            space = false;
            folded.Append(c);
        }

        return folded.ToString();
    }
}

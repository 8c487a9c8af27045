using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace TaskProtection;

/// <summary>
/// Signs a request with AWS Signature Version 4. The canonical request is built here (what the ECS API's <c>POST</c>
/// needs: the path normalized and URI-encoded, header values trimmed with inner whitespace folded, so that the published
/// test vectors apply); the key derivation, string to sign and signature come from AWSSDK.Core's <see cref="AWS4Signer"/>.
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

    /// <summary>
    /// The canonical request: method, canonical path (of the path as sent), query, sorted lower-case headers with
    /// trimmed values, signed header names, payload hash.
    /// </summary>
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
        text.Append(method).Append('\n').Append(CanonicalPath(path)).Append('\n').Append(query).Append('\n');
        foreach ((string name, List<string> values) in byName)
        {
            text.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }

        signedHeaders = string.Join(';', byName.Keys);
        text.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return text.ToString();
    }

    /// <summary>
    /// A path without empty or dot segments (<c>//a/./b/../c/</c> is <c>/a/c/</c>), keeping a trailing slash: what
    /// AWS services sign (and the request is sent to), as the SDKs normalize it for every service but S3.
    /// </summary>
    public static string NormalizePath(string path)
    {
        var segments = new List<string>();
        foreach (string segment in path.Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment.Length > 0 && segment != ".")
            {
                segments.Add(segment);
            }
        }

        string joined = "/" + string.Join('/', segments);
        return segments.Count > 0 && path.EndsWith('/') ? joined + "/" : joined;
    }

    /// <summary>
    /// The canonical path: the normalized path as sent, each byte outside RFC 3986's unreserved set (and '/')
    /// percent-encoded, so an already-encoded <c>%20</c> becomes <c>%2520</c>, the double encoding every service but S3
    /// expects.
    /// </summary>
    public static string CanonicalPath(string path)
    {
        var encoded = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(NormalizePath(path)))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' or (byte)'/')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    /// <summary>Trims a header value and folds each inner run of whitespace (line breaks included) into one space, as the SDKs do.</summary>
    private static string TrimAll(string value) =>
        string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

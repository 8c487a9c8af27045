using System.Text;
using Amazon.Runtime;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi;

/// <summary>
/// Both SigV4 implementations (the client's, on AWSSDK.Core's signer, and the fake ECS API's own verifier) against the
/// published AWS Signature Version 4 test suite (credentials AKIDEXAMPLE, us-east-1, service "service",
/// 20150830T123600Z, as in awslabs/aws-c-auth's tests/aws-signing-test-suite/v4): the cases without a query: header
/// sorting, case, repeated names, trimming and folding of inner whitespace (line breaks included), a signed body, a
/// signed session token, and the paths whose normalized form is signed (slashes, dot segments, spaces, UTF-8).
/// </summary>
public sealed class SigV4VectorTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20150830T123600Z";
    private const string Token =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static readonly DateTime SignedAt = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    public static TheoryData<string, string, string, string, string> Vectors => new()
    {
        // name, method, extra headers ("Name:value" lines), body, expected SignedHeaders + Signature
        { "get-vanilla", "GET", "", "", "host;x-amz-date|5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "post-vanilla", "POST", "", "", "host;x-amz-date|5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "post-header-key-sort", "POST", "My-Header1:value1", "", "host;my-header1;x-amz-date|c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c" },
        { "post-header-value-case", "POST", "My-Header1:VALUE1", "", "host;my-header1;x-amz-date|cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
        { "get-header-value-trim", "GET", "My-Header1: value1\nMy-Header2: \"a   b   c\"", "", "host;my-header1;my-header2;x-amz-date|acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "get-header-value-multiline", "GET", "My-Header1:value1\n  value2\n     value3", "", "host;my-header1;x-amz-date|cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd" },
        { "get-header-key-duplicate", "GET", "My-Header1:value2\nMy-Header1:value2\nMy-Header1:value1", "", "host;my-header1;x-amz-date|c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "get-header-value-order", "GET", "My-Header1:value4\nMy-Header1:value1\nMy-Header1:value3\nMy-Header1:value2", "", "host;my-header1;x-amz-date|08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01" },
        { "post-x-www-form-urlencoded", "POST", "Content-Type:application/x-www-form-urlencoded", "Param1=value1", "content-type;host;x-amz-date|ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a" },
        { "post-sts-header-before", "POST", "X-Amz-Security-Token:" + Token, "", "host;x-amz-date;x-amz-security-token|85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead" },
    };

    /// <summary>The "-normalized" path cases (GET, headers host and x-amz-date): name, path as requested, signature.</summary>
    public static TheoryData<string, string, string> PathVectors => new()
    {
        { "get-slash-normalized", "//", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-slashes-normalized", "//example//", "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84" },
        { "get-slash-dot-slash-normalized", "/./", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-slash-pointless-dot-normalized", "/./example", "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5" },
        { "get-relative-normalized", "/example/..", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-relative-relative-normalized", "/example1/example2/../..", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-space-normalized", "/example space/", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741" },
        { "get-utf8", "/\u1234", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
        { "get-unreserved", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
    };

    [Theory]
    [MemberData(nameof(PathVectors))]
    public void Both_sign_the_normalized_path_as_published(string name, string path, string signature)
    {
        List<KeyValuePair<string, string>> headers = Headers(string.Empty);
        var credentials = new ImmutableCredentials(AccessKey, SecretKey, null);

        string authorization = SigV4Signer.Authorization(credentials, "us-east-1", "service", SignedAt, "GET", path, string.Empty, headers, SigV4Signer.PayloadHash([]));
        string canonical = SigV4Verifier.CanonicalRequest(new HttpRequestReader.Request("GET", path, []) { Headers = headers }, "example.amazonaws.com", ["host", "x-amz-date"]);

        Assert.True(authorization.EndsWith("Signature=" + signature, StringComparison.Ordinal), $"{name}: {authorization}");
        Assert.True(SigV4Verifier.Signature(SecretKey, AmzDate, "us-east-1", "service", canonical) == signature, name);
    }

    /// <summary>
    /// Signatures botocore 1.43's SigV4Auth computes for ECS (service "ecs", us-east-1, the suite's key and time) over
    /// the same requests: name, path as sent, extra headers ('|'-separated "Name:value"), body, signed headers and
    /// signature. botocore canonicalizes /proxy//ecs/ as /proxy/ecs/, /with%20space/ as /with%2520space/, and folds
    /// every whitespace run in a value to one space.
    /// </summary>
    public static TheoryData<string, string, string, string, string> BotocoreVectors => new()
    {
        { "ecs-update", "/", "Content-Type:application/x-amz-json-1.1|X-Amz-Target:AmazonEC2ContainerServiceV20141113.UpdateTaskProtection", "{\"cluster\":\"jobs\",\"tasks\":[\"t\"],\"protectionEnabled\":true,\"expiresInMinutes\":5}", "content-type;host;x-amz-date;x-amz-target|d124a0ff8918d1e8ee1f56d558dad47b25bb4ed685fc29612f6ceed89f3ac065" },
        { "proxy-double-slash", "/proxy//ecs/", "Content-Type:application/x-amz-json-1.1", "{}", "content-type;host;x-amz-date|a5e86a1717f86f6047a6d8fedb79759b6b7cc4184801933bfbce2ed1f4e2547b" },
        { "proxy-dots", "/proxy/./v1/../ecs", "Content-Type:application/x-amz-json-1.1", "{}", "content-type;host;x-amz-date|10f40b21cb0645b61fe6ac2cf134e6a559102bbd27b78432cf7f7722b22b38fe" },
        { "escaped-space", "/with%20space/ecs/", "Content-Type:application/x-amz-json-1.1", "{}", "content-type;host;x-amz-date|9b37777f6e72b2b4300937e676b369ec40646b9f1726b9de0754753b973872d3" },
        { "whitespace-runs", "/", "My-Header1:  a \t b\t\tc  |My-Header2:x\n   y \r\n z", "", "host;my-header1;my-header2;x-amz-date|e28d58bb876d19d534c708574a36c5134c0e5d2ed12fd0d2ccc39d2238f05760" },
    };

    [Theory]
    [MemberData(nameof(BotocoreVectors))]
    public void Both_agree_with_botocore(string name, string path, string extraHeaders, string body, string expected)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "example.amazonaws.com"), new("X-Amz-Date", AmzDate) };
        headers.AddRange(extraHeaders.Split('|').Select(static h => new KeyValuePair<string, string>(h[..h.IndexOf(':', StringComparison.Ordinal)], h[(h.IndexOf(':', StringComparison.Ordinal) + 1)..])));
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        string[] parts = expected.Split('|');

        string authorization = SigV4Signer.Authorization(new ImmutableCredentials(AccessKey, SecretKey, null), "us-east-1", "ecs", SignedAt, "POST", path, string.Empty, headers, SigV4Signer.PayloadHash(bytes));
        string canonical = SigV4Verifier.CanonicalRequest(new HttpRequestReader.Request("POST", path, bytes) { Headers = headers }, "example.amazonaws.com", parts[0].Split(';'));

        Assert.True(authorization.EndsWith($"SignedHeaders={parts[0]}, Signature={parts[1]}", StringComparison.Ordinal), $"{name}: {authorization}");
        Assert.True(SigV4Verifier.Signature(SecretKey, AmzDate, "us-east-1", "ecs", canonical) == parts[1], name);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/ecs", "/ecs")]
    [InlineData("/ecs/", "/ecs/")]
    [InlineData("/ecs//", "/ecs/")]
    [InlineData("//proxy/./ecs/../ecs/", "/proxy/ecs/")]
    [InlineData("/a%20b/", "/a%2520b/")]
    public void An_endpoints_path_is_signed_normalized_and_encoded_once_more(string path, string canonical)
    {
        Assert.Equal(canonical, SigV4Signer.CanonicalPath(path));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_client_signer_produces_the_published_authorization(string name, string method, string extraHeaders, string body, string expected)
    {
        List<KeyValuePair<string, string>> headers = Headers(extraHeaders);
        bool withToken = headers.Exists(static h => h.Key == "X-Amz-Security-Token");
        var credentials = new ImmutableCredentials(AccessKey, SecretKey, withToken ? Token : null);

        string authorization = SigV4Signer.Authorization(
            credentials, "us-east-1", "service", SignedAt, method, "/", string.Empty, headers, SigV4Signer.PayloadHash(Encoding.UTF8.GetBytes(body)));

        string[] parts = expected.Split('|');
        Assert.True(
            authorization == $"AWS4-HMAC-SHA256 Credential={AccessKey}/20150830/us-east-1/service/aws4_request, SignedHeaders={parts[0]}, Signature={parts[1]}",
            $"{name}: {authorization}");
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_fake_verifier_computes_the_published_signature(string name, string method, string extraHeaders, string body, string expected)
    {
        List<KeyValuePair<string, string>> headers = Headers(extraHeaders);
        var request = new HttpRequestReader.Request(method, "/", Encoding.UTF8.GetBytes(body)) { Headers = headers };
        string[] parts = expected.Split('|');

        string canonical = SigV4Verifier.CanonicalRequest(request, "example.amazonaws.com", parts[0].Split(';'));

        Assert.True(SigV4Verifier.Signature(SecretKey, AmzDate, "us-east-1", "service", canonical) == parts[1], name);
    }

    [Fact]
    public void The_fake_verifier_accepts_a_published_request_and_refuses_it_once_tampered()
    {
        var keys = new Dictionary<string, FakeEcsApiCredentials> { [AccessKey] = new(AccessKey, SecretKey) };
        List<KeyValuePair<string, string>> headers = Headers("Content-Type:application/x-www-form-urlencoded");
        headers.Add(new("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKey}/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
        var now = new DateTimeOffset(SignedAt);

        var good = new HttpRequestReader.Request("POST", "/", "Param1=value1"u8.ToArray()) { Headers = headers };
        var tampered = good with { Body = "Param1=value2"u8.ToArray() };

        Assert.Null(SigV4Verifier.Verify(good, "example.amazonaws.com", keys, "us-east-1", "service", now));
        Assert.Equal("InvalidSignatureException", SigV4Verifier.Verify(tampered, "example.amazonaws.com", keys, "us-east-1", "service", now)?.Type);
        Assert.Contains("expired", SigV4Verifier.Verify(good, "example.amazonaws.com", keys, "us-east-1", "service", now.AddMinutes(6))?.Message, StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, string>> Headers(string extra)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "example.amazonaws.com"), new("X-Amz-Date", AmzDate) };
        foreach (string line in extra.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line[0] is ' ' or '\t')
            {
                // A folded line continues the header above it, line break and all (get-header-value-multiline).
                headers[^1] = new(headers[^1].Key, headers[^1].Value + "\n" + line);
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }

        return headers;
    }
}

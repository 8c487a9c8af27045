namespace TaskProtection.Testing;

/// <summary>Credentials a <see cref="FakeEcsApi"/> accepts.</summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret the signature must be made with.</param>
/// <param name="SessionToken">When set, requests must carry this <c>X-Amz-Security-Token</c>, signed.</param>
public sealed record FakeEcsApiCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>The same credentials in AWSSDK.Core's form, to give a client.</summary>
    /// <returns>Basic or session credentials.</returns>
    public Amazon.Runtime.AWSCredentials ToAwsCredentials() =>
        SessionToken is null
            ? new Amazon.Runtime.BasicAWSCredentials(AccessKeyId, SecretAccessKey)
            : new Amazon.Runtime.SessionAWSCredentials(AccessKeyId, SecretAccessKey, SessionToken);
}

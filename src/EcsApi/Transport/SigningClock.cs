namespace TaskProtection;

/// <summary>
/// The time requests are signed with: the local clock, corrected by how far it is from ECS's as the AWS SDKs do. A clock
/// more than 5 minutes off makes every signature "expired"; the answer's <c>Date</c> says by how much, and the call is
/// signed again at once with the corrected time.
/// </summary>
internal sealed class SigningClock(TimeProvider time)
{
    /// <summary>Corrections smaller than this are noise (the answer's Date has whole seconds, and the call takes time).</summary>
    private static readonly TimeSpan Noise = TimeSpan.FromSeconds(30);

    /// <summary>The errors ECS (and AWS generally) answers when the signing time is outside its window.</summary>
    private static readonly HashSet<string> SkewErrors = new(StringComparer.Ordinal)
    {
        "RequestTimeTooSkewed",
        "RequestExpired",
        "RequestInTheFuture",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AuthFailure",
    };

    private long _offsetTicks;

    /// <summary>The corrected time to sign with.</summary>
    public DateTimeOffset UtcNow => time.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>
    /// When <paramref name="response"/> refused the signature's time and its Date shows this clock off by more than noise,
    /// corrects it and returns true: the call should be signed again and sent once more. A refusal with the clocks in step
    /// (a wrong key, say) returns false.
    /// </summary>
    public bool Correct(EcsApiResponse response)
    {
        if (response.StatusCode is not (400 or 401 or 403) || response.ServerDate is not { } server || !SkewErrors.Contains(EcsApiErrors.Code(response)))
        {
            return false;
        }

        TimeSpan off = server - UtcNow;
        if (off.Duration() < Noise)
        {
            return false;
        }

        Interlocked.Add(ref _offsetTicks, off.Ticks);
        return true;
    }
}

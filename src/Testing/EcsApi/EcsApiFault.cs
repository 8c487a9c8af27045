namespace TaskProtection.Testing;

/// <summary>One scripted behaviour for one ECS API call.</summary>
/// <param name="ErrorType">When set, the call is refused with this error type (for example <c>ThrottlingException</c>) and not applied.</param>
/// <param name="RequestDelay">Time from the client sending to ECS receiving (and applying) the call.</param>
/// <param name="ResponseDelay">Time from ECS applying the call to the client receiving the answer.</param>
/// <param name="NoResponse">The call is applied but no answer ever comes (the client times out; the call landed).</param>
/// <param name="FailureReason">When set, the call answers 200 with every task in <c>failures</c> with this reason (for example <c>DEPLOYMENT_BLOCKED</c>), and changes nothing.</param>
public sealed record EcsApiFault(string? ErrorType = null, TimeSpan RequestDelay = default, TimeSpan ResponseDelay = default, bool NoResponse = false, string? FailureReason = null)
{
    /// <summary>A normal call with latency.</summary>
    /// <param name="requestDelay">Time until ECS receives the call.</param>
    /// <param name="responseDelay">Time until the answer arrives after that.</param>
    /// <returns>The fault.</returns>
    public static EcsApiFault Latency(TimeSpan requestDelay, TimeSpan responseDelay = default) => new(null, requestDelay, responseDelay);

    /// <summary>The HTTP status ECS answers with for <see cref="ErrorType"/>.</summary>
    public int StatusCode => ErrorType switch
    {
        null => 200,
        "ServerException" or "InternalFailure" => 500,
        "ServiceUnavailableException" => 503,
        _ => 400,
    };
}

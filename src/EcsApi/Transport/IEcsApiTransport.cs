namespace TaskProtection;

/// <summary>Carries one ECS API action to ECS and its answer back: over signed HTTP, or in memory in a simulation.</summary>
internal interface IEcsApiTransport
{
    /// <summary>Where calls go, for messages.</summary>
    string Destination { get; }

    /// <summary>Sends the action's JSON body; the answer's status, body and request id. Throws on transport failures.</summary>
    Task<EcsApiResponse> SendAsync(string action, byte[] body, CancellationToken cancellationToken);
}

/// <summary>An ECS API answer before parsing.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The body.</param>
/// <param name="RequestId">The <c>x-amzn-RequestId</c> header.</param>
internal sealed record EcsApiResponse(int StatusCode, byte[] Body, string? RequestId)
{
    /// <summary>The <c>X-Amzn-ErrorType</c> header, which names the error before the body does.</summary>
    public string? ErrorType { get; init; }

    /// <summary>ECS's clock, from the <c>Date</c> header: what a skewed local clock is corrected from.</summary>
    public DateTimeOffset? ServerDate { get; init; }
}

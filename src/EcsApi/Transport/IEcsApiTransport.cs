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
internal sealed record EcsApiResponse(int StatusCode, byte[] Body, string? RequestId);

namespace TaskProtection;

/// <summary>
/// The one HttpClient the library calls the ECS agent with. It is not made by the app's IHttpClientFactory, so that
/// nothing the app configures for every client applies to it: a retrying or hedging handler would send enables and
/// releases again behind the manager's back (whose accounting of calls that may still land assumes one send per call),
/// a proxy from HTTP_PROXY would route a link-local address away, and per-request logging would print four lines per
/// renewal. A static instance with a bounded connection lifetime is what the HttpClient guidelines recommend outside
/// the factory.
/// </summary>
internal static class AgentHttp
{
    public static HttpClient Shared { get; } = new(CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>No proxy, no cookies, no redirects; connections recycled so that a moved agent address is picked up.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}

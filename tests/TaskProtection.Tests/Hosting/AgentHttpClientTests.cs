using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Hosting;

/// <summary>
/// The library's calls to the agent go out exactly as the manager sends them: nothing the application configures for
/// all its HttpClients (retries, hedging, logging, proxies) applies to them. Real HTTP, bounded waits.
/// </summary>
public sealed class AgentHttpClientTests
{
    [Fact]
    public async Task An_app_wide_retrying_handler_does_not_send_agent_calls_again_behind_the_managers_back()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.Enqueue(AgentFaultKind.ServerError);
        var registry = new CriticalSessionRegistry();
        var logs = new FakeLogCollector();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddSingleton(registry);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new RetryingHandler()));
        builder.Services.AddTaskProtection(o =>
        {
            o.AgentUri = agent.AgentUri;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
        });
        using IHost host = builder.Build();
        await host.StartAsync();

        await using (await registry.EnterAsync("import").AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            TaskProtectionStatus status = host.Services.GetRequiredService<TaskProtectionManager>().GetStatus();

            // The manager's own retry after the 500, and nothing else: one call at the agent per call the manager made.
            Assert.Equal(2, status.AgentCalls);
            Assert.Equal(2, agent.Model.Calls.Count);
        }

        await host.StopAsync();
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void The_agent_is_called_without_a_proxy_cookies_or_redirects()
    {
        using SocketsHttpHandler handler = AgentHttp.CreateHandler();

        Assert.False(handler.UseProxy);
        Assert.False(handler.UseCookies);
        Assert.False(handler.AllowAutoRedirect);
    }

    /// <summary>What an app-wide resilience handler does to a 500: send the same request again.</summary>
    private sealed class RetryingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode < 500)
            {
                return response;
            }

            response.Dispose();
            using var again = new HttpRequestMessage(request.Method, request.RequestUri);
            if (body is not null)
            {
                again.Content = new ByteArrayContent(body);
                again.Content.Headers.ContentType = request.Content!.Headers.ContentType;
            }

            return await base.SendAsync(again, cancellationToken);
        }
    }
}

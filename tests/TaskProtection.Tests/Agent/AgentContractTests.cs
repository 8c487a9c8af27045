using System.Text;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Agent;

/// <summary>
/// Each answer of the agent's contract (<see cref="AgentContractCases"/>) twice: the fake agent must give it byte for
/// byte over real HTTP on 127.0.0.1 (so users' tests meet the agent's answers), and the parser must classify it as
/// the table says (so the runtime reads the real agent right).
/// </summary>
public sealed class AgentContractTests : IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private FakeEcsAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeEcsAgent.StartAsync(new ProtectionModel(taskArn: AgentContractCases.TaskArn));

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [MemberData(nameof(AgentContractCases.Names), MemberType = typeof(AgentContractCases))]
    public async Task The_fake_agent_gives_the_agents_answer_byte_for_byte(string name)
    {
        AgentContractCase row = AgentContractCases.Named(name);
        if (row.Fault is { } fault)
        {
            _agent.Model.Enqueue(fault);
        }

        using HttpResponseMessage response = await SendAsync(row);

        Assert.Equal(row.Status, (int)response.StatusCode);
        Assert.Equal(row.ContentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(row.Body, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal("40.00", Assert.Single(response.Headers.GetValues("X-Rate-Limit-Limit")));
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-Rate-Limit-Duration")));
        Assert.StartsWith("127.0.0.1:", Assert.Single(response.Headers.GetValues("X-Rate-Limit-Request-Remote-Addr")), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("X-Rate-Limit-Request-Forwarded-For"));
    }

    [Theory]
    [MemberData(nameof(AgentContractCases.Names), MemberType = typeof(AgentContractCases))]
    public void The_parser_classifies_the_agents_answer(string name)
    {
        AgentContractCase row = AgentContractCases.Named(name);
        AgentContractExpectation expected = row.Expected;
        bool? expectedEnabled = row.Method == "GET" ? null : true;
        byte[] body = Encoding.UTF8.GetBytes(row.Body);

        if (expected.Kind is null)
        {
            TaskProtectionState state = AgentResponseParser.Parse(row.Status, body, expectedEnabled);
            Assert.Equal(AgentContractCases.TaskArn, state.TaskArn);
            return;
        }

        TaskProtectionCallException ex = Assert.Throws<TaskProtectionCallException>(() => AgentResponseParser.Parse(row.Status, body, expectedEnabled));
        Assert.Equal(expected.Kind, ex.Kind);
        Assert.Equal(expected.Retryable, ex.IsRetryable);
        Assert.Equal(row.Status, ex.StatusCode);
        Assert.Equal(expected.Code, ex.Code);
        Assert.Equal(expected.RequestId, ex.RequestId);
        if (expected.MessageContains is { } text)
        {
            Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(AgentContractCases.ScriptedNames), MemberType = typeof(AgentContractCases))]
    public async Task The_client_over_the_fake_reads_each_scripted_answer_as_the_parser_does(string name)
    {
        AgentContractCase row = AgentContractCases.Named(name);
        _agent.Model.Enqueue(row.Fault!);
        var client = new EcsAgentClient(_http, _agent.AgentUri, TimeSpan.FromSeconds(30));
        Task<TaskProtectionState> call = row.Method == "GET" ? client.GetAsync(CancellationToken.None) : client.EnableAsync(5, CancellationToken.None);

        if (row.Expected.Kind is null)
        {
            Assert.Equal(AgentContractCases.TaskArn, (await call).TaskArn);
            return;
        }

        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => call);
        Assert.Equal((row.Expected.Kind, row.Expected.Retryable, row.Expected.Code), (ex.Kind, ex.IsRetryable, ex.Code));
    }

    private async Task<HttpResponseMessage> SendAsync(AgentContractCase row)
    {
        string path = row.Path.Replace("{id}", _agent.AgentUri.Segments[^1], StringComparison.Ordinal);
        var uri = new Uri(_agent.AgentUri, path);
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), uri);
        if (row.RequestBody is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }
}

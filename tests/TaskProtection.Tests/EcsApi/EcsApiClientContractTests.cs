using Amazon.Runtime;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi;

/// <summary>The ECS API client against a real loopback <see cref="FakeEcsApi"/>: signing, limits, pagination, errors and failures.</summary>
public sealed class EcsApiClientContractTests : IAsyncLifetime
{
    private const string Cluster = "jobs";
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private FakeEcsApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeEcsApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_signed_update_protects_the_task_and_a_read_reports_it()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        EcsApiTaskProtectionClient client = Client();

        EcsTaskProtectionResult updated = await client.UpdateTaskProtectionAsync(Cluster, [task], true, 30);
        EcsTaskProtectionResult read = await client.GetTaskProtectionAsync(_api.Model.ClusterArn(Cluster), [task]);

        TaskProtectionState state = Assert.Single(updated.ProtectedTasks);
        Assert.True(state.ProtectionEnabled);
        Assert.Equal(task, state.TaskArn);
        Assert.True(_api.Model.Protection(task).IsProtected);
        Assert.InRange(state.ExpirationDate!.Value, DateTimeOffset.UtcNow.AddMinutes(29), DateTimeOffset.UtcNow.AddMinutes(31));
        Assert.Equal(state.ExpirationDate, Assert.Single(read.ProtectedTasks).ExpirationDate);
        Assert.Empty(read.Failures);
        Assert.All(_api.Model.Calls, static c => Assert.Equal(200, c.StatusCode));
        Assert.Contains("\"expiresInMinutes\":30", _api.Model.Calls[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_credentials_are_signed_with_their_token()
    {
        var session = new FakeEcsApiCredentials("ASIAFAKESESSION00001", "session/secret", "session-token-value");
        _api.Accept(session);
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];

        await Client(session.ToAwsCredentials()).UpdateTaskProtectionAsync(Cluster, [task], true, 10);
        TaskProtectionCallException withoutToken = await Assert.ThrowsAsync<TaskProtectionCallException>(
            () => Client(new BasicAWSCredentials(session.AccessKeyId, session.SecretAccessKey)).GetTaskProtectionAsync(Cluster, [task]));

        Assert.True(_api.Model.Protection(task).IsProtected);
        Assert.Equal("UnrecognizedClientException", withoutToken.Code);
        Assert.False(withoutToken.IsRetryable);
    }

    [Fact]
    public async Task A_wrong_secret_an_unknown_key_and_a_tampered_body_are_refused()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        var wrongSecret = new BasicAWSCredentials(_api.Credentials.AccessKeyId, "not-the-secret");
        var unknownKey = new BasicAWSCredentials("AKIDUNKNOWN000000000", _api.Credentials.SecretAccessKey);
        using var tampering = new HttpClient(new TamperingHandler(new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };

        Assert.Equal("InvalidSignatureException", await CodeOf(Client(wrongSecret).UpdateTaskProtectionAsync(Cluster, [task], true)));
        Assert.Equal("UnrecognizedClientException", await CodeOf(Client(unknownKey).UpdateTaskProtectionAsync(Cluster, [task], true)));
        Assert.Equal("InvalidSignatureException", await CodeOf(Client(http: tampering).UpdateTaskProtectionAsync(Cluster, [task], true)));

        // (A skewed clock is corrected instead: see EcsApiResilienceTests.)
        Assert.False(_api.Model.Protection(task).IsProtected);
        Assert.Equal([403, 400, 403], _api.Model.Calls.Select(static c => c.StatusCode));
    }

    [Fact]
    public async Task Messages_never_carry_the_secret_or_the_signature()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        var wrongSecret = new BasicAWSCredentials(_api.Credentials.AccessKeyId, "very-secret-value");

        TaskProtectionCallException error = await Assert.ThrowsAsync<TaskProtectionCallException>(() => Client(wrongSecret).UpdateTaskProtectionAsync(Cluster, [task], true));

        Assert.DoesNotContain("very-secret-value", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Signature=", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTasks_follows_every_page_and_reads_go_a_hundred_at_a_time()
    {
        IReadOnlyList<string> tasks = _api.Model.AddServiceTasks(Cluster, "video", 250);
        _api.Model.AddServiceTasks(Cluster, "other", 3);
        EcsApiTaskProtectionClient client = Client();

        IReadOnlyList<string> listed = await client.ListTasksAsync(Cluster, "video");
        EcsTaskProtectionResult read = await client.GetTaskProtectionAsync(Cluster, listed);
        IReadOnlyList<string> all = await client.ListTasksAsync(Cluster);

        Assert.Equal(tasks, listed);
        Assert.Equal(253, all.Count);
        Assert.Equal(250, read.ProtectedTasks.Count);
        Assert.Equal(3 + 3 + 3, _api.Model.Calls.Count);
        Assert.Equal(3, _api.Model.Calls.Count(static c => c.Action == "GetTaskProtection"));
    }

    [Fact]
    public async Task Updates_go_ten_at_a_time_and_failures_come_back_per_task()
    {
        IReadOnlyList<string> tasks = _api.Model.AddServiceTasks(Cluster, "video", 23);
        string standalone = _api.Model.AddTask(Cluster);
        string missing = tasks[0].Replace(tasks[0][^4..], "ffff", StringComparison.Ordinal);

        EcsTaskProtectionResult result = await Client().UpdateTaskProtectionAsync(Cluster, [.. tasks, standalone, missing], true, 60);

        Assert.Equal(3, _api.Model.Calls.Count);
        Assert.Equal(23, result.ProtectedTasks.Count);
        Assert.Equal(["TASK_NOT_VALID", "MISSING"], result.Failures.Select(static f => f.Reason));
        Assert.All(tasks, t => Assert.True(_api.Model.Protection(t).IsProtected));
    }

    [Fact]
    public async Task A_task_client_turns_a_failure_into_the_agent_paths_exception()
    {
        string standalone = _api.Model.AddTask(Cluster);
        ITaskProtectionClient client = Client().ForTask(Cluster, standalone);

        TaskProtectionCallException refused = await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.EnableAsync(5, CancellationToken.None));

        Assert.Equal(CallFailureKind.Failure, refused.Kind);
        Assert.Equal("TASK_NOT_VALID", refused.Code);
        Assert.False(refused.IsRetryable);
    }

    [Theory]
    [InlineData("ThrottlingException", CallFailureKind.Throttled, true)]
    [InlineData("ServerException", CallFailureKind.Error, true)]
    [InlineData("ServiceUnavailableException", CallFailureKind.Error, true)]
    [InlineData("ExpiredTokenException", CallFailureKind.Error, true)]
    [InlineData("AccessDeniedException", CallFailureKind.Error, false)]
    [InlineData("InvalidParameterException", CallFailureKind.Error, false)]
    [InlineData("ClientException", CallFailureKind.Error, false)]
    public async Task Every_error_type_is_mapped_with_its_retryability(string type, CallFailureKind kind, bool retryable)
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        _api.Model.Enqueue(new EcsApiFault(type));

        TaskProtectionCallException error = await Assert.ThrowsAsync<TaskProtectionCallException>(() => Client().ForTask(Cluster, task).EnableAsync(5, CancellationToken.None));

        Assert.Equal((type, kind, retryable), (error.Code, error.Kind, error.IsRetryable));
        Assert.NotNull(error.RequestId);
        Assert.False(_api.Model.Protection(task).IsProtected);
    }

    [Fact]
    public async Task An_unknown_cluster_too_many_tasks_and_bad_minutes_are_refused_by_ECS_or_before_sending()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];

        Assert.Equal("ClusterNotFoundException", await CodeOf(Client().GetTaskProtectionAsync("nope", [task])));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().UpdateTaskProtectionAsync(Cluster, [task], true, 2881));
        await Assert.ThrowsAsync<ArgumentException>(() => Client().UpdateTaskProtectionAsync(Cluster, [], true));
    }

    [Fact]
    public async Task A_call_that_lands_but_never_answers_times_out_and_is_retryable()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        _api.Model.Enqueue(new EcsApiFault(NoResponse: true));
        EcsApiTaskProtectionClient client = new(_http, new EcsApiOptions { EndpointUrl = _api.EndpointUri, Region = _api.Model.Region }, TimeSpan.FromMilliseconds(300), _api.Credentials.ToAwsCredentials());

        TaskProtectionCallException error = await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.ForTask(Cluster, task).EnableAsync(5, CancellationToken.None));

        Assert.Equal(CallFailureKind.Timeout, error.Kind);
        Assert.True(error.IsRetryable);

        // The fake applies the call when it reads it, which a loaded machine may do after the client gave up: bounded.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!_api.Model.Protection(task).IsProtected && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Yield();
        }

        Assert.True(_api.Model.Protection(task).IsProtected);
    }

    private EcsApiTaskProtectionClient Client(AWSCredentials? credentials = null, HttpClient? http = null, TimeProvider? time = null) =>
        new(http ?? _http, new EcsApiOptions { EndpointUrl = _api.EndpointUri, Region = _api.Model.Region }, TimeSpan.FromSeconds(10), credentials ?? _api.Credentials.ToAwsCredentials(), time);

    private static async Task<string?> CodeOf(Task call) => (await Assert.ThrowsAsync<TaskProtectionCallException>(() => call)).Code;

    /// <summary>Changes the body after it was signed, as a man in the middle would.</summary>
    private sealed class TamperingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var content = new StringContent(body.Replace("true", "false", StringComparison.Ordinal));
            content.Headers.ContentType = request.Content.Headers.ContentType;
            request.Content = content;
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

using System.Text;

namespace TaskProtection.Tests.Agent;

public sealed class AgentResponseParserTests
{
    private static TaskProtectionCallException Fails(int status, string body, bool? expected = true) =>
        Assert.Throws<TaskProtectionCallException>(() => AgentResponseParser.Parse(status, Encoding.UTF8.GetBytes(body), expected));

    [Fact]
    public void Parses_the_protection_object()
    {
        TaskProtectionState state = AgentResponseParser.Parse(
            200, "{\"protection\":{\"ExpirationDate\":\"2022-10-06T02:29:16Z\",\"ProtectionEnabled\":true,\"TaskArn\":\"arn:aws:ecs:t\"}}"u8, true);
        Assert.True(state.ProtectionEnabled);
        Assert.Equal(new DateTimeOffset(2022, 10, 6, 2, 29, 16, TimeSpan.Zero), state.ExpirationDate);
        Assert.Equal("arn:aws:ecs:t", state.TaskArn);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("\"\"")]
    [InlineData("1665023356")]
    [InlineData("null")]
    public void An_expiration_date_that_cannot_be_read_does_not_fail_a_confirmed_change(string expiration)
    {
        TaskProtectionState state = AgentResponseParser.Parse(
            200, Encoding.UTF8.GetBytes($"{{\"protection\":{{\"ExpirationDate\":{expiration},\"ProtectionEnabled\":true,\"TaskArn\":\"arn:aws:ecs:t\"}}}}"), true);
        Assert.True(state.ProtectionEnabled);
        Assert.Null(state.ExpirationDate);
        Assert.Equal("arn:aws:ecs:t", state.TaskArn);
    }

    [Fact]
    public void A_failure_with_status_200_is_a_failure()
    {
        TaskProtectionCallException ex = Fails(200, "{\"failure\":{\"Arn\":\"a\",\"Detail\":null,\"Reason\":\"TASK_NOT_VALID\"}}");
        Assert.Equal(CallFailureKind.Failure, ex.Kind);
        Assert.False(ex.IsRetryable);
        Assert.Contains("belong to an ECS service", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_failure_reason_is_retried()
    {
        Assert.True(Fails(200, "{\"failure\":{\"Reason\":\"MISSING\"}}").IsRetryable);
    }

    [Theory]
    [InlineData(400, "InvalidParameterException", false)]
    [InlineData(400, "ThrottlingException", true)]
    [InlineData(403, "AccessDeniedException", false)]
    [InlineData(404, "ResourceNotFoundException", false)]
    [InlineData(500, "ServerException", true)]
    [InlineData(504, "RequestCanceled", true)]
    public void Error_codes_are_classified(int status, string code, bool retryable)
    {
        TaskProtectionCallException ex = Fails(status, $"{{\"requestID\":\"r-1\",\"error\":{{\"Arn\":\"a\",\"Code\":\"{code}\",\"Message\":\"m\"}}}}");
        Assert.Equal(retryable, ex.IsRetryable);
        Assert.Equal(code, ex.Code);
        Assert.Equal("r-1", ex.RequestId);
        Assert.Equal("m", ex.Reason);
    }

    [Theory]
    [InlineData(400, "ExpiredTokenException", true)]
    [InlineData(400, "RequestExpired", true)]
    [InlineData(503, "ServiceUnavailableException", true)]
    [InlineData(400, "ClusterNotFoundException", false)]
    [InlineData(500, "InvalidParameterException", false)]
    [InlineData(500, "AccessDeniedException", false)]
    [InlineData(400, "SomeNewException", false)]
    [InlineData(409, "SomeNewException", false)]
    [InlineData(500, "SomeNewException", true)]
    [InlineData(503, "SomeNewException", true)]
    public void A_known_code_decides_whatever_its_status_and_an_unknown_one_goes_by_the_status(int status, string code, bool retryable)
    {
        TaskProtectionCallException ex = Fails(status, $"{{\"error\":{{\"Arn\":\"a\",\"Code\":\"{code}\",\"Message\":\"m\"}}}}");
        Assert.Equal(retryable, ex.IsRetryable);
        Assert.Equal(CallFailureKind.Error, ex.Kind);
    }

    [Theory]
    [InlineData("{\"failure\":{\"Arn\":\"a\",\"Detail\":null,\"Reason\":null}}")]
    [InlineData("{\"protection\":{\"ProtectionEnabled\":true},\"failure\":{\"Reason\":\"TASK_NOT_VALID\"}}")]
    public void A_failure_with_a_reason_or_without_a_protection_stays_a_failure(string body)
    {
        Assert.Equal(CallFailureKind.Failure, Fails(200, body).Kind);
    }

    [Fact]
    public void DEPLOYMENT_BLOCKED_is_told_to_the_application_with_AWSs_meaning_and_remedies()
    {
        TaskProtectionCallException ex = Fails(200, "{\"failure\":{\"Arn\":\"a\",\"Detail\":null,\"Reason\":\"DEPLOYMENT_BLOCKED\"}}");
        Assert.Equal(("DEPLOYMENT_BLOCKED", false), (ex.Code, ex.IsRetryable));
        Assert.Contains("more protected tasks than its desired count", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Wait for protections to expire", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, "", "not JSON")]
    [InlineData(200, "[1,2]", "not an object")]
    [InlineData(200, "{}", "none of")]
    [InlineData(200, "{\"protection\":{}}", "ProtectionEnabled")]
    [InlineData(200, "{\"protection\":{\"ProtectionEnabled\":\"yes\"}}", "ProtectionEnabled")]
    [InlineData(200, "{\"protection\":{\"ProtectionEnabled\":false}}", "request for True")]
    public void Surprising_answers_become_clear_exceptions(int status, string body, string expected)
    {
        TaskProtectionCallException ex = Fails(status, body);
        Assert.Equal(CallFailureKind.MalformedResponse, ex.Kind);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_502_from_a_proxy_is_retryable()
    {
        TaskProtectionCallException ex = Fails(502, "<html>bad gateway</html>");
        Assert.True(ex.IsRetryable);
    }

    [Fact]
    public void A_long_body_is_quoted_shortly()
    {
        TaskProtectionCallException ex = Fails(200, new string('x', 5000));
        Assert.True(ex.Message.Length < 400, ex.Message);
    }
}

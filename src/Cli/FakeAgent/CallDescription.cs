using System.Globalization;
using System.Text.Json;
using TaskProtection.Testing;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>Reads a call and its answer as a person would say them: "PUT enable 1 min", "200 protected until 12:01:01.234".</summary>
internal static class CallDescription
{
    public static CallLine Describe(AgentCall call, AgentAnswer answer)
    {
        (string request, int? minutes) = Request(call.Method, call.Body);
        string fault = FaultNames.Name(call.Fault);
        return call.Fault switch
        {
            AgentFaultKind.DropConnection => new(call.ReceivedAt, call.Method, request, minutes, null, "no answer: connection closed", null, null, fault),
            AgentFaultKind.NoResponse => Applied(call, request, minutes, answer, "applied, but no answer is ever sent", fault),
            AgentFaultKind.TruncatedBody => Applied(call, request, minutes, answer, "applied; 200 with a body cut short, then nothing", fault),
            AgentFaultKind.OversizedBody => Applied(call, request, minutes, answer, "applied; 200 with a 1 MiB body", fault),
            AgentFaultKind.NotJson => Applied(call, request, minutes, answer, "applied; 200 with an HTML body", fault),
            _ => Answered(call, request, minutes, answer, fault),
        };
    }

    /// <summary>A call that never reached the agent (<c>blackhole</c>): nothing was received, nothing is answered.</summary>
    public static CallLine Unreceived(AgentCallContext call)
    {
        (string request, int? minutes) = Request(call.Method, call.Body);
        return new(call.SentAt, call.Method, request, minutes, null, "no answer: the call never reaches the agent", null, null, FaultNames.Name(AgentFaultKind.Blackhole));
    }

    public static string Text(CallLine line)
    {
        string minutes = line.Minutes is { } m ? $" {m} min" : string.Empty;
        string answer = line.Status is { } status ? $"{status} {line.Answer}".TrimEnd() : line.Answer;
        string fault = line.Fault == FaultNames.Name(AgentFaultKind.None) ? string.Empty : $"  [fault: {line.Fault}]";
        return $"{Time(line.At)} {line.Method} {line.Request}{minutes} -> {answer}{fault}";
    }

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static CallLine Applied(AgentCall call, string request, int? minutes, AgentAnswer answer, string what, string fault)
    {
        CallLine wouldBe = Answered(call, request, minutes, answer, fault);
        return wouldBe with { Status = null, Answer = wouldBe.ProtectedUntil is { } until ? $"{what} (protected until {Time(until)})" : what };
    }

    private static CallLine Answered(AgentCall call, string request, int? minutes, AgentAnswer answer, string fault)
    {
        var line = new CallLine(call.ReceivedAt, call.Method, request, minutes, answer.StatusCode, Reason(answer.StatusCode), null, null, fault);
        if (!answer.ContentType.StartsWith(AgentAnswers.JsonMediaType, StringComparison.Ordinal))
        {
            return line;
        }

        using JsonDocument document = JsonDocument.Parse(answer.Body);
        JsonElement root = document.RootElement;
        if (root.TryGetProperty("protection", out JsonElement protection))
        {
            bool enabled = protection.GetProperty("ProtectionEnabled").GetBoolean();
            DateTimeOffset? until = enabled && protection.GetProperty("ExpirationDate").ValueKind == JsonValueKind.String
                ? DateTimeOffset.Parse(protection.GetProperty("ExpirationDate").GetString()!, CultureInfo.InvariantCulture)
                : null;
            return line with { Answer = until is { } u ? $"protected until {Time(u)}" : "not protected", ProtectedUntil = until };
        }

        string? code = root.TryGetProperty("failure", out JsonElement failure) ? failure.GetProperty("Reason").GetString()
            : root.TryGetProperty("error", out JsonElement error) ? error.GetProperty("Code").GetString()
            : null;
        string kind = root.TryGetProperty("failure", out _) ? "failure " : string.Empty;
        return code is null ? line : line with { Answer = kind + code, Error = code };
    }

    private static (string Text, int? Minutes) Request(string method, string body)
    {
        if (method == "GET")
        {
            return ("read", null);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            bool enable = root.GetProperty("ProtectionEnabled").GetBoolean();
            int minutes = root.TryGetProperty("ExpiresInMinutes", out JsonElement m) ? m.GetInt32() : ProtectionModel.DefaultExpiresInMinutes;
            return enable ? ("enable", minutes) : ("disable", null);
        }
        catch (Exception unreadable) when (unreadable is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return ("(a body the agent cannot read)", null);
        }
    }

    private static string Reason(int status) => status switch
    {
        429 => "too many requests",
        404 => "not found",
        405 => "method not allowed",
        _ => string.Empty,
    };
}

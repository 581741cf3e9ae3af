using System.Net;

namespace Mcp.Raw.Transport.Tests;

/// <summary>
/// The status matrix, era x HTTP method x mode, as one table (TR-10, TR-12, TR-29, TR-53, TR-54, TR-57, TR-66,
/// M-TR-06, M-TR-23, M-VR-09).
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class StatusMatrixTests
{
    public enum Era
    {
        Modern,
        Sessions2025,
        Sessions2025NoSession,
        Sessions2025UnknownSession,
    }

    private const string ModernMeta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}";

    private static IEnumerable<TestCaseData> Rows()
    {
        // mode, era, HTTP method, body kind, expected status
        foreach (var stateless in new[] { false, true })
        {
            var mode = stateless ? "stateless" : "stateful";
            yield return Row(stateless, Era.Modern, "POST", "request", 200);
            yield return Row(stateless, Era.Modern, "POST", "notification", 202);
            yield return Row(stateless, Era.Modern, "POST", "ping", 404);
            yield return Row(stateless, Era.Modern, "GET", "-", 405);
            yield return Row(stateless, Era.Modern, "DELETE", "-", 405);
            yield return Row(stateless, Era.Sessions2025, "POST", "request", 200);
            yield return Row(stateless, Era.Sessions2025, "POST", "notification", 202);
            yield return Row(stateless, Era.Sessions2025, "POST", "response", 202);
            yield return Row(stateless, Era.Sessions2025, "POST", "ping", 200);
            yield return Row(stateless, Era.Sessions2025, "GET", "-", stateless ? 405 : 200);
            yield return Row(stateless, Era.Sessions2025, "DELETE", "-", stateless ? 405 : 200);
            yield return Row(stateless, Era.Sessions2025NoSession, "POST", "request", stateless ? 200 : 400);
            yield return Row(stateless, Era.Sessions2025NoSession, "GET", "-", stateless ? 405 : 400);
            yield return Row(stateless, Era.Sessions2025NoSession, "DELETE", "-", stateless ? 405 : 400);
            yield return Row(stateless, Era.Sessions2025UnknownSession, "POST", "request", stateless ? 200 : 404);
            yield return Row(stateless, Era.Sessions2025UnknownSession, "GET", "-", stateless ? 405 : 404);
            yield return Row(stateless, Era.Sessions2025UnknownSession, "DELETE", "-", stateless ? 405 : 404);
            yield return Row(stateless, Era.Sessions2025, "PUT", "-", 405);
            _ = mode;
        }
    }

    private static TestCaseData Row(bool stateless, Era era, string method, string body, int status)
        => new TestCaseData(stateless, era, method, body, status).SetName($"{(stateless ? "Stateless" : "Stateful")}_{era}_{method}_{body.Replace("-", "none", StringComparison.Ordinal)}_Is{status}");

    [TestCaseSource(nameof(Rows))]
    public async Task Status(bool stateless, Era era, string method, string body, int expected)
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Stateless = stateless;
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        });
        string? session = null;
        if (!stateless && era == Era.Sessions2025)
        {
            session = await server.InitializeAsync();
        }
        else if (era == Era.Sessions2025UnknownSession)
        {
            session = "unknown-session";
        }

        var json = (era, body) switch
        {
            (Era.Modern, "request") => "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}," + ModernMeta + "}}",
            (Era.Modern, "ping") => "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{" + ModernMeta + "}}",
            (_, "notification") => "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}",
            (_, "response") => "{\"jsonrpc\":\"2.0\",\"id\":\"s9\",\"result\":{}}",
            (_, "ping") => "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
            _ => "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}",
        };

        using var request = new HttpRequestMessage(new HttpMethod(method), "/mcp");
        request.Headers.Add("Accept", method == "GET" ? "text/event-stream" : "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", era == Era.Modern ? "2026-07-28" : "2025-11-25");
        if (era == Era.Modern)
        {
            request.Headers.Add("Mcp-Method", body == "ping" ? "ping" : body == "notification" ? "notifications/x" : "tools/call");
            request.Headers.Add("Mcp-Name", "echo");
        }

        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        ((int)response.StatusCode).Should().Be(expected);
        if (expected == 405)
        {
            response.Content.Headers.Allow.Should().NotBeEmpty("405 names what is allowed (TR-04)");
        }

        if (era == Era.Modern)
        {
            response.Headers.Contains("Mcp-Session-Id").Should().BeFalse("M-TR-25");
        }
    }
}

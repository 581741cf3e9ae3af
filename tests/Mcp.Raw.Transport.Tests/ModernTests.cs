using System.Net;
using System.Text.Json;

namespace Mcp.Raw.Transport.Tests;

/// <summary>The 2026-07-28 path on the shared endpoint (M-TR-*, M-VR-*).</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class ModernTests
{
    private TestServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await TestServer.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    private const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    private static HttpRequestMessage Modern(string json, string method, string? name = null, string? version = "2026-07-28", Action<HttpRequestMessage>? more = null)
    {
        var request = TestServer.Post(json, version: version);
        request.Headers.Add("Mcp-Method", method);
        if (name is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Name", name);
        }

        more?.Invoke(request);
        return request;
    }

    private static string Call(int id, string tool, string args = "{}", string meta = Meta) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + args + "," + meta + "}}";

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Test]
    public async Task Discover_WithoutInitialize_NoSession_MVR04_MTR25()
    {
        var request = Modern("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + Meta + "}}", "server/discover");
        request.Headers.Add("Mcp-Session-Id", "ignored");
        using var response = await _server.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Contains("Mcp-Session-Id").Should().BeFalse("a modern response never carries a session id");
        (await ErrorOf(response)).GetProperty("result").GetProperty("supportedVersions")[0].GetString().Should().Be("2026-07-28");
    }

    [Test]
    public async Task ToolCall_JsonThenSse_MTR05()
    {
        using var json = await _server.Client.SendAsync(Modern(Call(1, "echo", """{"text":"x"}"""), "tools/call", "echo"));
        json.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var progressMeta = Meta.Replace("{\"io.", "{\"progressToken\":\"p\",\"io.", StringComparison.Ordinal);
        using var sse = await _server.Client.SendAsync(Modern(Call(2, "progress", """{"steps":2}""", progressMeta), "tools/call", "progress"));
        sse.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        sse.Headers.GetValues("X-Accel-Buffering").Should().Equal("no");
        var raw = await sse.Content.ReadAsStringAsync();
        raw.Should().NotContain("id: ", "no resumability in 2026-07-28 (M-TR-18)").And.NotContain("retry:", "no polling artefacts (M-TR-19)");
        raw.Should().Contain("notifications/progress").And.Contain("\"done\"");
    }

    [Test]
    public async Task MissingVersionHeader_WithClaim_IsHeaderMismatch_MVR05()
    {
        using var response = await _server.Client.SendAsync(Modern(Call(3, "echo"), "tools/call", "echo", version: null));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = await ErrorOf(response);
        body.GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32020);
        body.GetProperty("id").GetInt32().Should().Be(3, "errors echo the request id (M-VR-18)");
    }

    [Test]
    public async Task HeaderDiffersFromClaim_IsHeaderMismatch_MVR05()
    {
        var json = Call(4, "echo").Replace("\"2026-07-28\"", "\"v999.0.0\"", StringComparison.Ordinal);
        using var response = await _server.Client.SendAsync(Modern(json, "tools/call", "echo"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorOf(response)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32020);
    }

    [TestCase("2027-01-01")]
    [TestCase("1900-01-01")]
    public async Task UnsupportedVersion_Is32022_WithSupportedAndRequested_MVR02_MVR20_MVR24(string version)
    {
        var json = Call(5, "echo").Replace("\"2026-07-28\"", "\"" + version + "\"", StringComparison.Ordinal);
        using var response = await _server.Client.SendAsync(Modern(json, "tools/call", "echo", version));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await ErrorOf(response)).GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(-32022);
        error.GetProperty("data").GetProperty("requested").GetString().Should().Be(version);
        error.GetProperty("data").GetProperty("supported").EnumerateArray().Select(e => e.GetString()).Should().Equal("2026-07-28");
    }

    [Test]
    public async Task ModernHeader_WithoutMeta_IsInvalidParams_MVR06()
    {
        using var response = await _server.Client.SendAsync(Modern("""{"jsonrpc":"2.0","id":6,"method":"tools/list"}""", "tools/list"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await ErrorOf(response)).GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(-32602);
        error.GetProperty("message").GetString().Should().Contain("_meta");
    }

    [Test]
    public async Task MissingClientCapabilities_IsInvalidParams_ClientInfoOptional_MVR06_MRQ02()
    {
        using var noCaps = await _server.Client.SendAsync(Modern("""{"jsonrpc":"2.0","id":7,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", "server/discover"));
        noCaps.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorOf(noCaps)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32602);
        using var noInfo = await _server.Client.SendAsync(Modern("""{"jsonrpc":"2.0","id":8,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""", "server/discover"));
        noInfo.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase("ping")]
    [TestCase("logging/setLevel")]
    [TestCase("resources/subscribe")]
    [TestCase("resources/unsubscribe")]
    public async Task RemovedMethods_Are404_32601_MVR09(string method)
    {
        using var response = await _server.Client.SendAsync(Modern("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"" + method + "\",\"params\":{\"uri\":\"x\",\"level\":\"info\"," + Meta + "}}", method));
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ErrorOf(response)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32601);
    }

    [Test]
    public async Task UnknownMethod_FromHandler_Is404_MVR09()
    {
        using var response = await _server.Client.SendAsync(Modern("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"unknown/method\",\"params\":{" + Meta + "}}", "unknown/method"));
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ErrorOf(response)).GetProperty("id").GetInt32().Should().Be(10);
    }

    [Test]
    public async Task InitializeWithModernHeader_Is404_Or32020_MVR08()
    {
        using var same = await _server.Client.SendAsync(Modern("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2026-07-28","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", "initialize"));
        same.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var differs = await _server.Client.SendAsync(Modern("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", "initialize"));
        differs.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorOf(differs)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32020);
    }

    [TestCase(null, "missing")]
    [TestCase("TOOLS/CALL", "case differs")]
    [TestCase("tools/list", "other method")]
    public async Task McpMethodHeader_MustMatch_MTR08_MTR10(string? header, string why)
    {
        var request = TestServer.Post(Call(11, "echo"), version: "2026-07-28");
        if (header is not null)
        {
            request.Headers.Add("Mcp-Method", header);
        }

        request.Headers.Add("Mcp-Name", "echo");
        using var response = await _server.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, why);
        (await ErrorOf(response)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32020);
    }

    [Test]
    public async Task McpHeaderNames_AreCaseInsensitive_ValuesTrimmed_MTR10_MTR11()
    {
        var request = TestServer.Post(Call(12, "echo"), version: "2026-07-28");
        request.Headers.TryAddWithoutValidation("mcp-method", "tools/call");
        request.Headers.TryAddWithoutValidation("MCP-NAME", "  echo ");
        using var response = await _server.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task McpName_Base64Sentinel_IsDecoded_MTR09()
    {
        var json = "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\",\"params\":{\"name\":\"h\u00e9llo\",\"arguments\":{}," + Meta + "}}";
        using var ok = await _server.Client.SendAsync(Modern(json, "tools/call", "=?base64?aMOpbGxv?="));
        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        using var bad = await _server.Client.SendAsync(Modern(json, "tools/call", "=?base64?!!!!?="));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorOf(bad)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32020);
        using var missing = await _server.Client.SendAsync(Modern(json, "tools/call"));
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task McpParamHeaders_CheckedAgainstArguments_MSV07()
    {
        var json = Call(14, "regional", """{"region":"eu","text":"t"}""");
        using var ok = await _server.Client.SendAsync(Modern(json, "tools/call", "regional", more: r => r.Headers.Add("Mcp-Param-Region", "eu")));
        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        using var missing = await _server.Client.SendAsync(Modern(json, "tools/call", "regional"));
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var wrong = await _server.Client.SendAsync(Modern(json, "tools/call", "regional", more: r => r.Headers.Add("Mcp-Param-Region", "us")));
        wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorOf(wrong)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32020);
        using var absentArg = await _server.Client.SendAsync(Modern(Call(15, "regional", """{"text":"t"}"""), "tools/call", "regional"));
        absentArg.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task MissingCapability_FromHandler_Is400_MVR07()
    {
        using var response = await _server.Client.SendAsync(Modern(Call(16, "needs_sampling"), "tools/call", "needs_sampling"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await ErrorOf(response)).GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(-32021);
        error.GetProperty("data").GetProperty("requiredCapabilities").ValueKind.Should().Be(JsonValueKind.Object);
    }

    [Test]
    public async Task GetAndDelete_WithModernHeader_Are405_MTR23_MTR24()
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, "/mcp");
            request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
            request.Headers.Add("Accept", "text/event-stream");
            using var response = await _server.Client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, method.Method);
            response.Content.Headers.Allow.Should().Contain("POST");
        }
    }

    [Test]
    public async Task ClosingTheStream_CancelsTheRequest_MTR20_MTR21()
    {
        using (var client = TestHttp.CreateClient(_server.BaseAddress))
        {
            using var cts = new CancellationTokenSource();
            var call = client.SendAsync(Modern(Call(17, "slow"), "tools/call", "slow"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await _server.Handler.SlowStarted.Task;
            await cts.CancelAsync();
            try
            {
                await call;
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _server.Handler.SlowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task ModernNotification_Gets202_MTR06()
    {
        using var response = await _server.Client.SendAsync(Modern("""{"jsonrpc":"2.0","method":"notifications/x"}""", "notifications/x"));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Test]
    public async Task BatchWithModernEnvelope_IsRefused_MTR03()
    {
        using var response = await _server.Client.SendAsync(Modern("[" + Call(18, "echo") + "]", "tools/call", "echo"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task ModernAndSessions2025_OnOneEndpoint_AtOnce_MVR10()
    {
        var session = await _server.InitializeAsync();
        using var legacy = await _server.Client.SendAsync(TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"L\"}}}", session, "2025-11-25"));
        using var modern = await _server.Client.SendAsync(Modern(Call(2, "echo", """{"text":"M"}"""), "tools/call", "echo"));
        (await legacy.Content.ReadAsStringAsync()).Should().Contain("\"L\"");
        (await modern.Content.ReadAsStringAsync()).Should().Contain("\"M\"");
    }
}

[TestFixture]
[CancelAfter(30_000)]
public sealed class KeepAliveTests
{
    [Test]
    public async Task SilentModernSseStream_GetsKeepAliveComments_MTR17()
    {
        await using var server = await TestServer.StartAsync(o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(100));
        var request = TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"gated\",\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}", version: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "gated");
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var text = new System.Text.StringBuilder();
        var buffer = new byte[1024];
        while (!text.ToString().Contains(": keep-alive", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            n.Should().BePositive();
            text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        }

        text.ToString().Should().StartWith("data: ", "the first message switched the response to SSE; the comment came after it");
        server.Handler.Gate.TrySetResult();
        var rest = new StreamReader(stream).ReadToEnd();
        rest.Should().Contain("gated done");
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Server.Tests;

/// <summary>Checklist items not covered by the feature-oriented test classes, one test each, named by ID.</summary>
[CancelAfter(60_000)]
public sealed class ItemTests
{
    private DemoHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await DemoHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task NoServerToClientRequestBeforeNotificationsInitialized_LC06()
    {
        var init = await _host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"t","version":"1"}}}"""), HttpStatusCode.OK);
        var reply = await _host.RequestAsync(init.SessionId!, "tools/call", """{"name":"test_elicitation","arguments":{"message":"early"}}""");
        reply.Messages.Should().NotContain(m => (string?)m["method"] == "elicitation/create");
        reply.Result["isError"]!.GetValue<bool>().Should().BeTrue();
        Reply.Text(reply.Result).Should().Contain("notifications/initialized");
    }

    [Test]
    public async Task ClientCapabilitiesAreKeptPerSession_LC13()
    {
        var without = await _host.InitializeAsync("{}");
        var with = await _host.InitializeAsync("""{"sampling":{}}""");
        (await _host.RequestAsync(without, "tools/call", """{"name":"test_missing_capability","arguments":{}}""")).Result["isError"]!.GetValue<bool>().Should().BeTrue();
        using var request = DemoHost.Post("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"test_missing_capability","arguments":{}}}""", with, "2025-11-25");
        using var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? line;
        do
        {
            line = await reader.ReadLineAsync();
        }
        while (line is not null && !line.Contains("sampling/createMessage", StringComparison.Ordinal));

        line.Should().NotBeNull("the session that declared sampling gets the request");
    }

    [Test]
    public async Task OnlyWhatIsRegisteredIsDeclared_LC12_UT16_UT22_SV01_SV14_SV23()
    {
        await using var host = await DemoHost.StartAsync();
        foreach (var p in host.Server.Prompts.Items.ToList())
        {
            host.Server.Prompts.Remove(p.Name);
        }

        foreach (var r in host.Server.Resources.Items.ToList())
        {
            host.Server.Resources.Remove(r.Definition.Uri);
        }

        foreach (var t in host.Server.ResourceTemplates.Items.ToList())
        {
            host.Server.ResourceTemplates.Remove(t.Definition.UriTemplate);
        }

        var caps = (await host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""), HttpStatusCode.OK)).Result["capabilities"]!;
        caps["tools"]!["listChanged"]!.GetValue<bool>().Should().BeTrue();
        caps["logging"].Should().NotBeNull("UT-16: the server emits log messages");
        caps["prompts"].Should().BeNull();
        caps["resources"].Should().BeNull();
        caps["completions"].Should().BeNull("UT-22: nothing to complete");
        var session = await host.InitializeAsync();
        ((int)(await host.RequestAsync(session, "prompts/list")).Error["code"]!).Should().Be(-32601);
        ((int)(await host.RequestAsync(session, "completion/complete", """{"ref":{"type":"ref/prompt","name":"x"},"argument":{"name":"a","value":""}}""")).Error["code"]!).Should().Be(-32601);
    }

    [Test]
    public async Task NoProgressAfterTheResponse_UT04()
    {
        await using var host = await DemoHost.StartAsync();
        McpContext? captured = null;
        host.Server.Tools.Add(McpServerTool.Create("capture", "keeps its context", """{"type":"object"}""", ctx =>
        {
            captured = ctx;
            return ValueTask.FromResult(McpResults.Text("captured"));
        }));
        host.Server.Tools.Add(McpServerTool.Create("late", "reports progress on the captured, answered request", """{"type":"object"}""", async _ =>
            McpResults.Text((await captured!.ReportProgressAsync(1)).ToString())));
        var session = await host.InitializeAsync();
        await host.RequestAsync(session, "tools/call", """{"name":"capture","_meta":{"progressToken":"t"}}""");
        Reply.Text((await host.RequestAsync(session, "tools/call", """{"name":"late"}""")).Result).Should().Be("False");
    }

    [Test]
    public async Task ARequestThatReportsProgressIsAnsweredWithSSE_UT06()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":5}}""");
        reply.IsSse.Should().BeTrue();
    }

    [Test]
    public async Task CancellationsForUnknownOrFinishedRequestsAreIgnored_UT10_UT12()
    {
        var session = await _host.InitializeAsync();
        await _host.RequestAsync(session, "ping");
        foreach (var body in new[]
        {
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"never-sent"}}""",
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":101}}""",
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"nonsense":true}}""",
        })
        {
            using var cancel = await _host.Client.SendAsync(DemoHost.Post(body, session, "2025-11-25"));
            cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        (await _host.RequestAsync(session, "ping")).Result.ToJsonString().Should().Be("{}");
    }

    [Test]
    public async Task LogMessagesCarryLevelDataAndTheLoggerName_UT19()
    {
        await using var host = await DemoHost.StartAsync();
        host.Server.Tools.Add(McpServerTool.Create("logger", "logs with a logger name", """{"type":"object"}""", async ctx =>
        {
            await ctx.LogAsync(LoggingLevel.Warning, "careful", "db");
            return McpResults.Text("ok");
        }));
        var session = await host.InitializeAsync();
        var message = (await host.RequestAsync(session, "tools/call", """{"name":"logger"}""")).Notifications("notifications/message").Single()["params"]!;
        ((string?)message["level"]).Should().Be("warning");
        ((string?)message["logger"]).Should().Be("db");
        ((string?)message["data"]).Should().Be("careful");
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("comma,name")]
    [TestCase("ünïcode")]
    public void ToolNamesOutsideTheAllowedSetAreRefused_SV03(string name)
    {
        var act = () => McpServerTool.Create(name, "d", """{"type":"object"}""", _ => ValueTask.FromResult(McpResults.Text("x")));
        act.Should().Throw<ArgumentException>();
    }

    [Test]
    public void A129CharacterNameIsRefusedAnd128Accepted_SV03()
    {
        FluentActions.Invoking(() => McpServerTool.Create(new string('a', 129), "d", """{"type":"object"}""", _ => ValueTask.FromResult(McpResults.Text("x")))).Should().Throw<ArgumentException>();
        McpServerTool.Create(new string('a', 128), "d", """{"type":"object"}""", _ => ValueTask.FromResult(McpResults.Text("x"))).Name.Should().HaveLength(128);
    }

    [Test]
    public void ASchemaWithAnInvalidXMcpHeaderIsRefusedAtRegistration_MSV06()
    {
        var act = () => McpServerTool.Create("bad", "d", """{"type":"object","properties":{"n":{"type":"number","x-mcp-header":"N"}}}""", _ => ValueTask.FromResult(McpResults.Text("x")));
        act.Should().Throw<ArgumentException>().WithMessage("*x-mcp-header*");
    }

    [Test]
    public async Task StructuredContentIsAlsoSerialisedAsText_SV07()
    {
        var session = await _host.InitializeAsync();
        var result = (await _host.RequestAsync(session, "tools/call", """{"name":"slow_count_stats","arguments":{}}""")).Result;
        JsonNode.DeepEquals(JsonNode.Parse(Reply.Text(result)), result["structuredContent"]).Should().BeTrue();
    }

    [Test]
    public async Task PromptListChangesReachTheGETStream_SV27()
    {
        var session = await _host.InitializeAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Accept", "text/event-stream");
        get.Headers.Add("Mcp-Session-Id", session);
        get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var response = await _host.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await _host.RequestAsync(session, "tools/call", """{"name":"test_trigger_prompt_change","arguments":{}}""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !(line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6));

        line.Should().Contain("notifications/prompts/list_changed");
    }

    [Test]
    public async Task InputRequestsHaveMethodAndParamsOnlyAndNoCacheHints_MMR04_MMR15()
    {
        var result = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_multiple_inputs","arguments":{}}""", """{"elicitation":{},"sampling":{},"roots":{}}""")).Result;
        foreach (var (key, request) in result["inputRequests"]!.AsObject())
        {
            request!.AsObject().Select(p => p.Key).Should().BeSubsetOf(["method", "params"], "input request {0}", key);
        }

        result["inputRequests"]!.AsObject().Select(p => (string?)p.Value!["method"]).Should().BeEquivalentTo("elicitation/create", "sampling/createMessage", "roots/list");
        result["ttlMs"].Should().BeNull();
        result["cacheScope"].Should().BeNull();
    }

    [Test]
    public async Task ParallelCallsGetIndependentStates_MMR09()
    {
        const string caps = """{"elicitation":{}}""";
        var calls = Enumerable.Range(0, 4).Select(_ => _host.ModernAsync("tools/call", """{"name":"test_input_required_result_elicitation","arguments":{}}""", caps)).ToList();
        var states = (await Task.WhenAll(calls)).Select(r => (string?)r.Result["requestState"]).ToList();
        states.Should().OnlyHaveUniqueItems().And.NotContainNulls();
    }

    [Test]
    public async Task AnOversizedRequestStateIsRefused_MMR16()
    {
        var huge = new string('A', 300 * 1024);
        var reply = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_elicitation","arguments":{},"requestState":"@@S@@"}""".Replace("@@S@@", huge, StringComparison.Ordinal), """{"elicitation":{}}""");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task UrlModeElicitationNeedsTheUrlCapabilityAndCarriesNoElicitationId_MMR17()
    {
        await using var host = await DemoHost.StartAsync();
        host.Server.Tools.Add(McpServerTool.Create("sign_in", "url elicitation", """{"type":"object"}""", async ctx =>
        {
            var r = await ctx.ElicitAsync(new ElicitRequestParams { Mode = "url", Message = "Sign in", Url = "https://example.com/login" }, "login");
            return McpResults.Text(r.Action);
        }));
        var refused = await host.ModernAsync("tools/call", """{"name":"sign_in"}""", """{"elicitation":{}}""", status: HttpStatusCode.BadRequest);
        ((int)refused.Error["code"]!).Should().Be(-32021);
        var asked = (await host.ModernAsync("tools/call", """{"name":"sign_in"}""", """{"elicitation":{"url":{}}}""")).Result;
        var request = asked["inputRequests"]!["login"]!["params"]!;
        ((string?)request["mode"]).Should().Be("url");
        request["elicitationId"].Should().BeNull();
    }

    [Test]
    public async Task OnlyAdvertisedNotificationsAreHonoured_MSB04()
    {
        await using var host = await DemoHost.StartAsync();
        foreach (var p in host.Server.Prompts.Items.ToList())
        {
            host.Server.Prompts.Remove(p.Name);
        }

        var reply = await host.ModernAsync("subscriptions/listen", """{"notifications":{"promptsListChanged":true}}""", id: 3);
        var ack = reply.Messages[0];
        ack["params"]!["notifications"]!.AsObject().Should().BeEmpty("the server has no prompts, so it cannot announce their changes");
        ((string?)reply.Result["resultType"]).Should().Be("complete", "M-SB-13: nothing honoured ends at once");
    }

    [Test]
    public async Task ShutdownEndsListenStreamsWithTheTaggedResult_MSB08()
    {
        var host = await DemoHost.StartAsync();
        var request = DemoHost.Post("""{"jsonrpc":"2.0","id":"L1","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""", version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new StringBuilder();
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            seen.Append(line).Append('\n');
            if (line.Contains("notifications/subscriptions/acknowledged", StringComparison.Ordinal))
            {
                break;
            }
        }

        // The listener is open (its acknowledgement arrived): now the server stops.
        var rest = reader.ReadToEndAsync();
        await host.DisposeAsync();
        var text = seen + await rest.WaitAsync(TimeSpan.FromSeconds(20));
        var last = text.Split('\n').Last(l => l.StartsWith("data:", StringComparison.Ordinal));
        var result = JsonNode.Parse(last[5..])!["result"]!;
        ((string?)result["resultType"]).Should().Be("complete");
        ((string?)result["_meta"]!["io.modelcontextprotocol/subscriptionId"]).Should().Be("L1");
    }

    [Test]
    public async Task ConcurrentSubscriptionsAreTaggedWithTheirOwnIds_MSB10()
    {
        await using var host = await DemoHost.StartAsync();
        var readers = new List<(StreamReader Reader, HttpResponseMessage Response)>();
        foreach (var id in new[] { 21, 22 })
        {
            var request = DemoHost.Post("""{"jsonrpc":"2.0","id":@ID,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""".Replace("@ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), version: DemoHost.Modern);
            request.Headers.Add("Mcp-Method", "subscriptions/listen");
            var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            readers.Add((new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8), response));
        }

        foreach (var (reader, _) in readers)
        {
            await NextDataAsync(reader);
        }

        await host.ModernAsync("tools/call", """{"name":"test_trigger_tool_change","arguments":{}}""");
        var ids = new List<int>();
        foreach (var (reader, response) in readers)
        {
            var change = await NextDataAsync(reader);
            ((string?)change["method"]).Should().Be("notifications/tools/list_changed");
            ids.Add((int)change["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]!);
            reader.Dispose();
            response.Dispose();
        }

        ids.Should().Equal(21, 22);
    }

    private static async Task<JsonNode> NextDataAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
            {
                return JsonNode.Parse(line[5..])!;
            }
        }

        throw new AssertionException("stream ended");
    }
}

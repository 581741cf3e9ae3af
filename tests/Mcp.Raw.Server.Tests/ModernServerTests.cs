using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Server.Tests;

/// <summary>2026-07-28 server behaviour: M-RQ-*, M-MR-*, M-SB-*, M-SV-*.</summary>
[CancelAfter(60_000)]
public sealed class ModernServerTests
{
    private DemoHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await DemoHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task DiscoverHasVersionsCapabilitiesCacheHintsAndServerInfoInMeta_MRQ09()
    {
        var result = (await _host.ModernAsync("server/discover")).Result;
        ((string?)result["resultType"]).Should().Be("complete");
        result["supportedVersions"]!.AsArray().Select(v => (string?)v).Should().Contain(["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]);
        result["capabilities"]!["tools"].Should().NotBeNull();
        ((long)result["ttlMs"]!).Should().BeGreaterThanOrEqualTo(0);
        ((string?)result["cacheScope"]).Should().BeOneOf("public", "private");
        ((string?)result["_meta"]!["io.modelcontextprotocol/serverInfo"]!["name"]).Should().Be("mcp-raw-demo");
        result["serverInfo"].Should().BeNull("M-RQ-05: in _meta, not the pre-#3002 top-level shape");
    }

    [TestCase("tools/list", null)]
    [TestCase("prompts/list", null)]
    [TestCase("resources/list", null)]
    [TestCase("resources/templates/list", null)]
    [TestCase("resources/read", """{"uri":"test://static-text"}""")]
    public async Task CacheableResultsCarryTtlScopeAndResultType_MSV03(string method, string? @params)
    {
        var result = (await _host.ModernAsync(method, @params)).Result;
        ((long)result["ttlMs"]!).Should().BeGreaterThanOrEqualTo(0);
        ((string?)result["cacheScope"]).Should().Be("private");
        ((string?)result["resultType"]).Should().Be("complete");
        result["_meta"]!["io.modelcontextprotocol/serverInfo"].Should().NotBeNull();
    }

    [Test]
    public async Task AServerWithoutPromptsAnswersPromptsList404AndDoesNotDeclareThem_MRQ10()
    {
        await using var host = await DemoHost.StartAsync();
        foreach (var prompt in host.Server.Prompts.Items.ToList())
        {
            host.Server.Prompts.Remove(prompt.Name);
        }

        (await host.ModernAsync("server/discover")).Result["capabilities"]!["prompts"].Should().BeNull();
        var reply = await host.ModernAsync("prompts/list", status: HttpStatusCode.NotFound);
        ((int)reply.Error["code"]!).Should().Be(-32601);
    }

    [Test]
    public async Task NoLogMessagesWithoutALogLevel_MSV12()
    {
        var reply = await _host.ModernAsync("tools/call", """{"name":"test_logging_tool","arguments":{}}""");
        reply.Notifications("notifications/message").Should().BeEmpty();
        reply.IsSse.Should().BeFalse("nothing was sent before the result");
    }

    [Test]
    public async Task LogLevelOptsTheRequestIntoMessagesAtOrAboveIt_MRQ03()
    {
        var info = await _host.ModernAsync("tools/call", """{"name":"test_logging_tool","arguments":{}}""", logLevel: "info");
        info.Notifications("notifications/message").Should().HaveCount(3);
        info.IndexOfResponse.Should().Be(3);
        var error = await _host.ModernAsync("tools/call", """{"name":"test_logging_tool","arguments":{}}""", logLevel: "error");
        error.Notifications("notifications/message").Should().BeEmpty();
    }

    [Test]
    public async Task AnInvalidLogLevelIsInvalidParams_MSV12()
    {
        var reply = await _host.ModernAsync("tools/call", """{"name":"test_logging_tool","arguments":{}}""", logLevel: "loud");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task ANeededCapabilityTheRequestDidNotDeclareIs32021WithTheCapabilityObject_MMR05()
    {
        var reply = await _host.ModernAsync("tools/call", """{"name":"test_missing_capability","arguments":{}}""", status: HttpStatusCode.BadRequest);
        ((int)reply.Error["code"]!).Should().Be(-32021);
        reply.Error["data"]!["requiredCapabilities"]!["sampling"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.Object);
    }

    [Test]
    public async Task ElicitationIsAnInputRequiredRoundThenACompleteResult_MMR01_MMR03()
    {
        var first = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_elicitation","arguments":{}}""", """{"elicitation":{}}""");
        first.Messages.Should().ContainSingle("M-MR-01: no server-to-client request, only the result");
        var r1 = first.Result;
        ((string?)r1["resultType"]).Should().Be("input_required");
        ((string?)r1["inputRequests"]!["user_name"]!["method"]).Should().Be("elicitation/create");
        r1["inputRequests"]!["user_name"]!["id"].Should().BeNull("M-MR-04: no jsonrpc id inside an input request");
        r1["ttlMs"].Should().BeNull("M-MR-15: no cache hints on input_required");
        var state = (string)r1["requestState"]!;

        var second = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_elicitation","arguments":{},"inputResponses":{"user_name":{"action":"accept","content":{"name":"Alice"}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)state), """{"elicitation":{}}""");
        ((string?)second.Result["resultType"]).Should().Be("complete");
        Reply.Text(second.Result).Should().Be("Hello, Alice");
    }

    [Test]
    public async Task MultiRoundThreadsEarlierAnswersThroughTheState_MMR10()
    {
        const string caps = """{"elicitation":{}}""";
        var r1 = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_multi_round","arguments":{}}""", caps)).Result;
        var r2 = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_multi_round","arguments":{},"inputResponses":{"step1":{"action":"accept","content":{"name":"Bo"}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)r1["requestState"]), caps)).Result;
        ((string?)r2["resultType"]).Should().Be("input_required");
        r2["inputRequests"]!["step2"].Should().NotBeNull();
        ((string?)r2["requestState"]).Should().NotBe((string?)r1["requestState"]);
        var r3 = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_multi_round","arguments":{},"inputResponses":{"step2":{"action":"accept","content":{"color":"teal"}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)r2["requestState"]), caps)).Result;
        Reply.Text(r3).Should().Be("Bo likes teal");
    }

    [Test]
    public async Task TamperedStateIsAJsonRpcError_MMR11()
    {
        const string caps = """{"elicitation":{}}""";
        var r1 = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_tampered_state","arguments":{}}""", caps)).Result;
        var state = (string)r1["requestState"]!;
        foreach (var tampered in new[] { state + "-TAMPERED", "x" + state, state.Replace('.', '_'), "garbage", Flip(state) })
        {
            var reply = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_tampered_state","arguments":{},"inputResponses":{"confirm":{"action":"accept","content":{"ok":true}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)tampered), caps);
            ((int)reply.Error["code"]!).Should().Be(-32602, "state {0} must fail verification", tampered);
        }
    }

    [Test]
    public async Task StateIsBoundToTheToolAndItsArguments_MMR12()
    {
        const string caps = """{"elicitation":{}}""";
        var r1 = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_request_state","arguments":{}}""", caps)).Result;
        var state = (string)r1["requestState"]!;
        var otherTool = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_tampered_state","arguments":{},"inputResponses":{"confirm":{"action":"accept","content":{"ok":true}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)state), caps);
        ((int)otherTool.Error["code"]!).Should().Be(-32602);
        var otherArgs = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_request_state","arguments":{"x":1},"inputResponses":{"confirm":{"action":"accept","content":{"ok":true}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)state), caps);
        ((int)otherArgs.Error["code"]!).Should().Be(-32602);
        var good = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_request_state","arguments":{},"inputResponses":{"confirm":{"action":"accept","content":{"ok":true}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)state), caps);
        Reply.Text(good.Result).Should().StartWith("state-ok");
    }

    [Test]
    public async Task ExpiredStateIsRefused_MMR12()
    {
        // The server's clock, moved past the state's lifetime between the two rounds (no waiting on the real one).
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await DemoHost.StartAsync(configure: o => o.RequestStateLifetime = TimeSpan.FromMinutes(10), services: s => s.AddSingleton<TimeProvider>(clock));
        const string caps = """{"elicitation":{}}""";
        var r1 = (await host.ModernAsync("tools/call", """{"name":"test_input_required_result_request_state","arguments":{}}""", caps)).Result;
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var reply = await host.ModernAsync("tools/call", """{"name":"test_input_required_result_request_state","arguments":{},"inputResponses":{"confirm":{"action":"accept","content":{"ok":true}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)r1["requestState"]), caps);
        ((string?)reply.Error["message"]).Should().Contain("expired");
    }

    [TestCase("null")]
    [TestCase("[]")]
    [TestCase("{\"user_name\":12345}")]
    public async Task MalformedInputResponsesAreInvalidParams_MMR14(string responses)
    {
        var reply = await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_elicitation","arguments":{},"inputResponses":""" + responses + "}", """{"elicitation":{}}""");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task MissingAnswersAreAskedAgainAndExtraKeysIgnored_MMR14()
    {
        const string caps = """{"elicitation":{}}""";
        var wrong = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_elicitation","arguments":{},"inputResponses":{"wrong_key":{"action":"accept","content":{}}}}""", caps)).Result;
        ((string?)wrong["resultType"]).Should().Be("input_required");
        var extra = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_elicitation","arguments":{},"inputResponses":{"user_name":{"action":"accept","content":{"name":"Cy"}},"junk":{"a":1}}}""", caps)).Result;
        Reply.Text(extra).Should().Be("Hello, Cy");
    }

    [Test]
    public async Task OnlyDeclaredInputsAreAskedFor_MMR05()
    {
        var result = (await _host.ModernAsync("tools/call", """{"name":"test_input_required_result_capabilities","arguments":{}}""", """{"sampling":{}}""")).Result;
        result["inputRequests"]!.AsObject().Select(p => (string?)p.Value!["method"]).Should().Equal("sampling/createMessage");
    }

    [Test]
    public async Task PromptsGetCanAskForInputAndListsNeverDo_MMR02()
    {
        var r1 = (await _host.ModernAsync("prompts/get", """{"name":"test_input_required_result_prompt"}""", """{"elicitation":{}}""")).Result;
        ((string?)r1["resultType"]).Should().Be("input_required");
        var r2 = (await _host.ModernAsync("prompts/get", """{"name":"test_input_required_result_prompt","inputResponses":{"prompt_context":{"action":"accept","content":{"context":"ctx!"}}},"requestState":"@@S@@"}""".Replace("@@S@@", (string?)r1["requestState"]), """{"elicitation":{}}""")).Result;
        ((string?)r2["messages"]![0]!["content"]!["text"]).Should().Be("Use this context: ctx!");
    }

    [Test]
    public async Task AcknowledgementFirstThenTaggedNotificationsWithTheIdsJsonType_MSB03_MSB05()
    {
        using var listen = await ListenAsync("""{"toolsListChanged":true,"promptsListChanged":true}""", id: "sub-1");
        var ack = await listen.NextAsync();
        ((string?)ack["method"]).Should().Be("notifications/subscriptions/acknowledged");
        ack["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]!.GetValue<string>().Should().Be("sub-1");
        ack["params"]!["notifications"]!["toolsListChanged"]!.GetValue<bool>().Should().BeTrue();

        await _host.ModernAsync("tools/call", """{"name":"test_trigger_tool_change","arguments":{}}""");
        var change = await listen.NextAsync();
        ((string?)change["method"]).Should().Be("notifications/tools/list_changed");
        change["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]!.GetValue<string>().Should().Be("sub-1");
    }

    [Test]
    public async Task TheFilterIsHonoured_MSB02()
    {
        using var listen = await ListenAsync("""{"promptsListChanged":true}""", id: 77);
        var ack = await listen.NextAsync();
        ((int)ack["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]!).Should().Be(77);
        ack["params"]!["notifications"]!["toolsListChanged"].Should().BeNull();
        await _host.ModernAsync("tools/call", """{"name":"test_trigger_tool_change","arguments":{}}""");
        await _host.ModernAsync("tools/call", """{"name":"test_trigger_prompt_change","arguments":{}}""");
        var next = await listen.NextAsync();
        ((string?)next["method"]).Should().Be("notifications/prompts/list_changed", "the tools change before it was filtered out");
    }

    [Test]
    public async Task ResourceUpdatesReachListenersThatNamedTheUri_MSB06()
    {
        using var listen = await ListenAsync("""{"resourceSubscriptions":["test://watched-resource"]}""", id: 5);
        await listen.NextAsync();
        await _host.Server.NotifyResourceUpdatedAsync("test://static-text");
        await _host.Server.NotifyResourceUpdatedAsync("test://watched-resource");
        var update = await listen.NextAsync();
        ((string?)update["method"]).Should().Be("notifications/resources/updated");
        ((string?)update["params"]!["uri"]).Should().Be("test://watched-resource");
        ((int)update["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]!).Should().Be(5);
    }

    [Test]
    public async Task NothingHonouredAcknowledgesAndEndsGracefully_MSB13()
    {
        var reply = await _host.ModernAsync("subscriptions/listen", """{"notifications":{}}""", id: 9);
        ((string?)reply.Messages[0]["method"]).Should().Be("notifications/subscriptions/acknowledged");
        ((string?)reply.Result["resultType"]).Should().Be("complete");
        ((int)reply.Result["_meta"]!["io.modelcontextprotocol/subscriptionId"]!).Should().Be(9);
    }

    [Test]
    public async Task ListenWithoutNotificationsIsInvalidParams_MSB01()
    {
        var reply = await _host.ModernAsync("subscriptions/listen", "{}");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task ClosingTheStreamEndsTheSubscription_MSB09()
    {
        await using var host = await DemoHost.StartAsync();
        var listen = await ListenAsync("""{"toolsListChanged":true}""", id: 11, host);
        await listen.NextAsync();
        host.Server.ListenerCount.Should().Be(1);
        var closed = host.Server.Listeners.NextClose;
        listen.Dispose();
        await closed.WaitAsync(TestContext.CurrentContext.CancellationToken);
        host.Server.ListenerCount.Should().Be(0);
    }

    [Test]
    public async Task SessionEraMethodsAre404In20260728_MSV14()
    {
        foreach (var method in new[] { "ping", "logging/setLevel", "resources/subscribe" })
        {
            var reply = await _host.ModernAsync(method, method == "resources/subscribe" ? """{"uri":"test://static-text"}""" : null, status: HttpStatusCode.NotFound);
            ((int)reply.Error["code"]!).Should().Be(-32601);
        }
    }

    private static string Flip(string state)
    {
        var chars = state.ToCharArray();
        chars[3] = chars[3] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private async Task<ListenStream> ListenAsync(string filter, object id, DemoHost? host = null)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id is string s ? JsonValue.Create(s) : JsonValue.Create((int)id),
            ["method"] = "subscriptions/listen",
            ["params"] = new JsonObject
            {
                ["notifications"] = JsonNode.Parse(filter),
                ["_meta"] = new JsonObject
                {
                    ["io.modelcontextprotocol/protocolVersion"] = DemoHost.Modern,
                    ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
                },
            },
        }.ToJsonString();
        var request = DemoHost.Post(body, version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        var response = await (host ?? _host).Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return new ListenStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
    }

    private sealed class ListenStream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public async Task<JsonNode> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
                {
                    return JsonNode.Parse(line[5..])!;
                }
            }

            throw new AssertionException("the listen stream ended");
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}

/// <summary>A clock that moves only when told to.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

using System.Net;
using System.Text.Json.Nodes;

namespace Mcp.Raw.Server.Tests;

/// <summary>SV-01..SV-13, UT-26/27 and CL-* over HTTP.</summary>
[CancelAfter(60_000)]
public sealed class ToolsTests
{
    private DemoHost _host = null!;
    private string _session = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await DemoHost.StartAsync();
        _session = await _host.InitializeAsync("""{"sampling":{},"elicitation":{},"roots":{}}""");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task EveryToolHasANameADescriptionAndAnObjectSchemaInRegistrationOrder_SV02()
    {
        var tools = (await _host.RequestAsync(_session, "tools/list")).Result["tools"]!.AsArray();
        tools.Select(t => (string?)t!["name"]).Take(5).Should().Equal("process_files", "echo", "progress", "slow_count", "slow_count_stats");
        foreach (var tool in tools)
        {
            ((string?)tool!["description"]).Should().NotBeNullOrEmpty();
            ((string?)tool["inputSchema"]!["type"]).Should().Be("object");
        }
    }

    [Test]
    public async Task TypedArgumentsGiveAGeneratedSchemaWithDescriptionsAndRequired_SV02()
    {
        var tools = (await _host.RequestAsync(_session, "tools/list")).Result["tools"]!.AsArray();
        var schema = tools.Single(t => (string?)t!["name"] == "process_files")!["inputSchema"]!;
        ((string?)schema["properties"]!["items"]!["description"]).Should().Be("The items to process, in order.");
        schema["required"]!.AsArray().Select(r => (string?)r).Should().Contain("items");
    }

    [Test]
    public async Task JsonSchema202012IsCarriedVerbatim_MSV09()
    {
        var tools = (await _host.RequestAsync(_session, "tools/list")).Result["tools"]!.AsArray();
        var schema = tools.Single(t => (string?)t!["name"] == "json_schema_2020_12_tool")!["inputSchema"]!;
        ((string?)schema["$schema"]).Should().Be("https://json-schema.org/draft/2020-12/schema");
        ((string?)schema["$defs"]!["address"]!["$anchor"]).Should().Be("addressDef");
        schema["allOf"].Should().NotBeNull();
        schema["if"].Should().NotBeNull();
        schema["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
    }

    [Test]
    public async Task PagesCoverEveryToolOnceAndAForeignCursorIsInvalidParams_UT26_UT27()
    {
        await using var host = await DemoHost.StartAsync(configure: o => o.PageSize = 4);
        var session = await host.InitializeAsync();
        var all = (await _host.RequestAsync(_session, "tools/list")).Result["tools"]!.AsArray().Select(t => (string?)t!["name"]).ToList();
        var seen = new List<string?>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var result = (await host.RequestAsync(session, "tools/list", cursor is null ? null : "{\"cursor\":\"" + cursor + "\"}")).Result;
            var page = result["tools"]!.AsArray();
            page.Count.Should().BeLessThanOrEqualTo(4);
            seen.AddRange(page.Select(t => (string?)t!["name"]));
            cursor = (string?)result["nextCursor"];
            pages++;
        }
        while (cursor is not null && pages < 100);

        seen.Should().Equal(all);
        pages.Should().BeGreaterThan(1);
        var bad = await host.RequestAsync(session, "tools/list", """{"cursor":"not-ours"}""");
        ((int)bad.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task UnknownToolIsInvalidParams_SV09()
    {
        var reply = await _host.RequestAsync(_session, "tools/call", """{"name":"no_such_tool","arguments":{}}""");
        ((int)reply.Error["code"]!).Should().Be(-32602);
        ((string?)reply.Error["message"]).Should().Contain("no_such_tool");
    }

    [TestCase("[1,2]")]
    [TestCase("\"text\"")]
    [TestCase("7")]
    public async Task ArgumentsThatAreNotAnObjectAreInvalidParams_SV04(string arguments)
    {
        var reply = await _host.RequestAsync(_session, "tools/call", "{\"name\":\"echo\",\"arguments\":" + arguments + "}");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task MissingNameIsInvalidParams_SV04()
    {
        var reply = await _host.RequestAsync(_session, "tools/call", """{"arguments":{}}""");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task ArgumentsThatDoNotBindAreAnIsErrorResultNamingTheProblem_SV09()
    {
        var reply = await _host.RequestAsync(_session, "tools/call", """{"name":"echo","arguments":{"text":42}}""");
        reply.Result["isError"]!.GetValue<bool>().Should().BeTrue();
        Reply.Text(reply.Result).Should().Contain("echo");
        var missing = await _host.RequestAsync(_session, "tools/call", """{"name":"echo","arguments":{}}""");
        missing.Result["isError"]!.GetValue<bool>().Should().BeTrue();
    }

    [Test]
    public async Task AToolThatThrowsBecomesAnIsErrorResultAndTheSessionLivesOn_SV09()
    {
        await using var host = await DemoHost.StartAsync();
        host.Server.Tools.Add(McpServerTool.Create("boom", "throws", """{"type":"object"}""", _ => throw new InvalidOperationException("disk on fire")));
        var session = await host.InitializeAsync();
        var reply = await host.RequestAsync(session, "tools/call", """{"name":"boom"}""");
        reply.Result["isError"]!.GetValue<bool>().Should().BeTrue();

        // An unexpected exception's text stays in the log (it may hold paths or secrets); McpToolException's is shown.
        Reply.Text(reply.Result).Should().Be("Tool 'boom' failed with an unexpected error.").And.NotContain("disk on fire");
        host.Server.Tools.Add(McpServerTool.Create("refuse", "throws for the client", """{"type":"object"}""", _ => throw new McpToolException("quota exhausted")));
        var shown = await host.RequestAsync(session, "tools/call", """{"name":"refuse"}""");
        Reply.Text(shown.Result).Should().Contain("quota exhausted");
        (await host.RequestAsync(session, "ping")).Result.ToJsonString().Should().Be("{}");
    }

    [Test]
    public async Task McpExceptionBecomesTheJsonRpcErrorItNames_SV09()
    {
        await using var host = await DemoHost.StartAsync();
        host.Server.Tools.Add(McpServerTool.Create("deny", "refuses", """{"type":"object"}""", _ => throw new McpException(-32602, "value out of range")));
        var session = await host.InitializeAsync();
        var reply = await host.RequestAsync(session, "tools/call", """{"name":"deny"}""");
        ((int)reply.Error["code"]!).Should().Be(-32602);
        ((string?)reply.Error["message"]).Should().Be("value out of range");
    }

    [Test]
    public async Task ContentKindsAreWrittenAsTheSchemaSays_SV05()
    {
        var image = (await _host.RequestAsync(_session, "tools/call", """{"name":"test_image_content","arguments":{}}""")).Result["content"]![0]!;
        ((string?)image["type"]).Should().Be("image");
        ((string?)image["mimeType"]).Should().Be("image/png");
        Convert.FromBase64String((string)image["data"]!).Should().StartWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        var audio = (await _host.RequestAsync(_session, "tools/call", """{"name":"test_audio_content","arguments":{}}""")).Result["content"]![0]!;
        ((string?)audio["mimeType"]).Should().Be("audio/wav");
        var embedded = (await _host.RequestAsync(_session, "tools/call", """{"name":"test_embedded_resource","arguments":{}}""")).Result["content"]![0]!;
        ((string?)embedded["type"]).Should().Be("resource");
        ((string?)embedded["resource"]!["uri"]).Should().Be("test://embedded-resource");
    }

    [Test]
    public async Task SamplingGoesOutOnTheRequestsStreamAndTheAnswerCompletesTheCall_CL01_SV28()
    {
        var reply = await RoundTripAsync(_session, """{"name":"test_sampling","arguments":{"prompt":"Say hi"}}""", "sampling/createMessage",
            """{"role":"assistant","content":{"type":"text","text":"hi there"},"model":"m","stopReason":"endTurn"}""");
        Reply.Text(reply.Result).Should().Be("LLM response: hi there");
    }

    [Test]
    public async Task ElicitationRoundTripInASession_CL05_CL08()
    {
        var reply = await RoundTripAsync(_session, """{"name":"test_elicitation","arguments":{"message":"Who are you?"}}""", "elicitation/create",
            """{"action":"accept","content":{"username":"ann","email":"ann@example.com"}}""");
        Reply.Text(reply.Result).Should().Contain("action=accept").And.Contain("ann@example.com");
    }

    [Test]
    public async Task TheMRTRHandlerRunsAsRealRequestsInA2025Session_MMR18()
    {
        var reply = await RoundTripAsync(_session, """{"name":"test_input_required_result_elicitation","arguments":{}}""", "elicitation/create",
            """{"action":"accept","content":{"name":"Alice"}}""");
        Reply.Text(reply.Result).Should().Be("Hello, Alice");
    }

    [Test]
    public async Task SamplingWithoutTheCapabilityFailsTheCallWithoutSendingARequest_SV29_CL01()
    {
        var session = await _host.InitializeAsync("{}");
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_sampling","arguments":{"prompt":"x"}}""");
        reply.Messages.Should().NotContain(m => (string?)m["method"] == "sampling/createMessage");
        reply.Result["isError"]!.GetValue<bool>().Should().BeTrue();
        Reply.Text(reply.Result).Should().Contain("sampling");
    }

    [Test]
    public async Task RootsWithoutTheCapabilityFailTheCall_CL12()
    {
        var session = await _host.InitializeAsync("""{"sampling":{}}""");
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_input_required_result_list_roots","arguments":{}}""");
        reply.Result["isError"]!.GetValue<bool>().Should().BeTrue();
    }

    [Test]
    public async Task UrlModeElicitationNeedsTheUrlCapability_CL05()
    {
        await using var host = await DemoHost.StartAsync();
        host.Server.Tools.Add(McpServerTool.Create("open_url", "url elicitation", """{"type":"object"}""", async ctx =>
        {
            var r = await ctx.ElicitAsync(new Protocol.Mcp.ElicitRequestParams { Mode = "url", Message = "Sign in", Url = "https://example.com/login", ElicitationId = "e1" });
            return McpResults.Text(r.Action);
        }));
        var session = await host.InitializeAsync("""{"elicitation":{}}""");
        var reply = await host.RequestAsync(session, "tools/call", """{"name":"open_url"}""");
        reply.Result["isError"]!.GetValue<bool>().Should().BeTrue();
        reply.Messages.Should().NotContain(m => (string?)m["method"] == "elicitation/create");
    }

    /// <summary>Calls a tool, answers the server's request on it with <paramref name="answer"/>, returns the call's reply.</summary>
    private async Task<Reply> RoundTripAsync(string session, string callParams, string expectedMethod, string answer)
    {
        var id = _host.NextId();
        using var request = DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":" + callParams + "}", session, "2025-11-25");
        using var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var messages = new List<JsonNode>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal) || line.Length <= 6)
            {
                continue;
            }

            var message = JsonNode.Parse(line[5..])!;
            messages.Add(message);
            if ((string?)message["method"] == expectedMethod)
            {
                var answerBody = "{\"jsonrpc\":\"2.0\",\"id\":" + message["id"]!.ToJsonString() + ",\"result\":" + answer + "}";
                using var posted = await _host.Client.SendAsync(DemoHost.Post(answerBody, session, "2025-11-25"));
                posted.StatusCode.Should().Be(HttpStatusCode.Accepted);
            }

            if (message["result"] is not null || message["error"] is not null)
            {
                break;
            }
        }

        messages.Should().Contain(m => (string?)m["method"] == expectedMethod, "SV-28: the server's request travels on the call's own stream");
        return new Reply { Status = response.StatusCode, ContentType = "text/event-stream", SessionId = session, Messages = messages, Raw = string.Empty };
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace Mcp.Raw.Server.Tests;

/// <summary>SV-14..SV-27 and UT-22..UT-25 over HTTP.</summary>
[CancelAfter(60_000)]
public sealed class ResourcesPromptsTests
{
    private DemoHost _host = null!;
    private string _session = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await DemoHost.StartAsync();
        _session = await _host.InitializeAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task ResourcesListHasUriAndNameAndNoTemplates_SV15()
    {
        var resources = (await _host.RequestAsync(_session, "resources/list")).Result["resources"]!.AsArray();
        resources.Select(r => (string?)r!["uri"]).Should().Contain(["test://static-text", "test://static-binary", "test://watched-resource"]);
        resources.Should().OnlyContain(r => !string.IsNullOrEmpty((string?)r!["name"]));
        resources.Should().NotContain(r => ((string?)r!["uri"])!.Contains('{'));
    }

    [Test]
    public async Task ReadTextAndBinary_SV16()
    {
        var text = (await _host.RequestAsync(_session, "resources/read", """{"uri":"test://static-text"}""")).Result["contents"]![0]!;
        ((string?)text["text"]).Should().Be("This is the content of the static text resource.");
        ((string?)text["mimeType"]).Should().Be("text/plain");
        var binary = (await _host.RequestAsync(_session, "resources/read", """{"uri":"test://static-binary"}""")).Result["contents"]![0]!;
        Convert.FromBase64String((string)binary["blob"]!).Length.Should().BeGreaterThan(8);
        binary["text"].Should().BeNull();
    }

    [Test]
    public async Task TemplatesAreListedAndResolve_SV17()
    {
        var templates = (await _host.RequestAsync(_session, "resources/templates/list")).Result["resourceTemplates"]!.AsArray();
        templates.Select(t => (string?)t!["uriTemplate"]).Should().Contain("test://template/{id}/data");
        var read = (await _host.RequestAsync(_session, "resources/read", """{"uri":"test://template/123/data"}""")).Result["contents"]![0]!;
        ((string?)read["uri"]).Should().Be("test://template/123/data");
        JsonNode.Parse((string)read["text"]!)!["id"]!.GetValue<string>().Should().Be("123");
    }

    [TestCase("test://nope")]
    [TestCase("test://template//data")]
    [TestCase("test://template/1/2/data")]
    public async Task UnknownResourceIs32002WithTheUriInA2025Session_SV20(string uri)
    {
        var reply = await _host.RequestAsync(_session, "resources/read", "{\"uri\":\"" + uri + "\"}");
        ((int)reply.Error["code"]!).Should().Be(-32002);
        ((string?)reply.Error["data"]!["uri"]).Should().Be(uri);
    }

    [Test]
    public async Task UnknownResourceIs32602In20260728InBand_MSV11()
    {
        // Checklist-2026 1.2: unknown tool / prompt / resource stay 200 with -32602 (CONV, as the C# SDK).
        var reply = await _host.ModernAsync("resources/read", """{"uri":"test://nope"}""");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task SubscribersGetResourcesUpdatedOnTheirGETStreamUntilTheyUnsubscribe_SV18_SV19()
    {
        var session = await _host.InitializeAsync();
        (await _host.RequestAsync(session, "resources/subscribe", """{"uri":"test://watched-resource"}""")).Result.ToJsonString().Should().Be("{}");
        var other = await _host.InitializeAsync();

        var mine = await OpenGetStreamAsync(session);
        var theirs = await OpenGetStreamAsync(other);
        await _host.Server.NotifyResourceUpdatedAsync("test://watched-resource");
        var line = await ReadDataLineAsync(mine.Reader);
        JsonNode.Parse(line!)!["params"]!["uri"]!.GetValue<string>().Should().Be("test://watched-resource");
        ((string?)JsonNode.Parse(line!)!["method"]).Should().Be("notifications/resources/updated");

        (await _host.RequestAsync(session, "resources/unsubscribe", """{"uri":"test://watched-resource"}""")).Result.ToJsonString().Should().Be("{}");
        await _host.Server.NotifyResourceUpdatedAsync("test://watched-resource");
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        (await ReadDataLineAsync(mine.Reader, quiet.Token)).Should().BeNull("SV-18: no updates after unsubscribe");
        using var quiet2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        (await ReadDataLineAsync(theirs.Reader, quiet2.Token)).Should().BeNull("a session that never subscribed gets nothing");
        mine.Dispose();
        theirs.Dispose();
    }

    [Test]
    public async Task ToolListChangesReachEverySessionOnItsGETStream_SV11()
    {
        var session = await _host.InitializeAsync();
        var stream = await OpenGetStreamAsync(session);
        await _host.RequestAsync(session, "tools/call", """{"name":"test_trigger_tool_change","arguments":{}}""");
        var line = await ReadDataLineAsync(stream.Reader);
        ((string?)JsonNode.Parse(line!)!["method"]).Should().Be("notifications/tools/list_changed");
        stream.Dispose();
    }

    [Test]
    public async Task PromptsListAndGetWithArguments_SV24_SV25()
    {
        var prompts = (await _host.RequestAsync(_session, "prompts/list")).Result["prompts"]!.AsArray();
        prompts.Should().OnlyContain(p => !string.IsNullOrEmpty((string?)p!["description"]));
        var args = prompts.Single(p => (string?)p!["name"] == "test_prompt_with_arguments")!["arguments"]!.AsArray();
        args.Select(a => (string?)a!["name"]).Should().Equal("arg1", "arg2");
        var got = (await _host.RequestAsync(_session, "prompts/get", """{"name":"test_prompt_with_arguments","arguments":{"arg1":"one","arg2":"two"}}""")).Result;
        ((string?)got["messages"]![0]!["content"]!["text"]).Should().Be("Prompt with arguments: arg1='one', arg2='two'");
        ((string?)got["messages"]![0]!["role"]).Should().Be("user");
    }

    [TestCase("""{"name":"test_prompt_with_arguments","arguments":{"arg1":"one"}}""")]
    [TestCase("""{"name":"no_such_prompt"}""")]
    [TestCase("""{"name":"test_prompt_with_arguments","arguments":{"arg1":1,"arg2":"two"}}""")]
    [TestCase("""{"name":"test_simple_prompt","arguments":["a"]}""")]
    public async Task MissingOrBadArgumentsAndUnknownPromptsAreInvalidParams_SV26(string @params)
    {
        var reply = await _host.RequestAsync(_session, "prompts/get", @params);
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task EmbeddedResourceAndImagePrompts_SV25()
    {
        var embedded = (await _host.RequestAsync(_session, "prompts/get", """{"name":"test_prompt_with_embedded_resource","arguments":{"resourceUri":"test://x"}}""")).Result;
        ((string?)embedded["messages"]![0]!["content"]!["resource"]!["uri"]).Should().Be("test://x");
        var image = (await _host.RequestAsync(_session, "prompts/get", """{"name":"test_prompt_with_image"}""")).Result;
        ((string?)image["messages"]![0]!["content"]!["type"]).Should().Be("image");
    }

    [Test]
    public async Task CompletionForPromptArgumentsAndTemplates_UT24()
    {
        var prompt = (await _host.RequestAsync(_session, "completion/complete", """{"ref":{"type":"ref/prompt","name":"test_prompt_with_arguments"},"argument":{"name":"arg1","value":"test"}}""")).Result;
        prompt["completion"]!["values"]!.AsArray().Select(v => (string?)v).Should().Equal("test", "testValue1", "testValue2");
        ((int)prompt["completion"]!["total"]!).Should().Be(3);
        var template = (await _host.RequestAsync(_session, "completion/complete", """{"ref":{"type":"ref/resource","uri":"test://template/{id}/data"},"argument":{"name":"id","value":"12"}}""")).Result;
        template["completion"]!["values"]!.AsArray().Select(v => (string?)v).Should().Equal("123");
        var none = (await _host.RequestAsync(_session, "completion/complete", """{"ref":{"type":"ref/prompt","name":"test_simple_prompt"},"argument":{"name":"x","value":""}}""")).Result;
        none["completion"]!["values"]!.AsArray().Should().BeEmpty();
    }

    [TestCase("""{"ref":{"type":"ref/prompt","name":"nope"},"argument":{"name":"a","value":""}}""")]
    [TestCase("""{"ref":{"type":"ref/other","name":"x"},"argument":{"name":"a","value":""}}""")]
    [TestCase("""{"ref":{"type":"ref/prompt","name":"test_simple_prompt"}}""")]
    public async Task CompletionOfAnUnknownRefOrWithoutArgumentIsInvalidParams_UT25(string @params)
    {
        var reply = await _host.RequestAsync(_session, "completion/complete", @params);
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task AtMost100ValuesWithTheTotalAndHasMore_UT24()
    {
        await using var host = await DemoHost.StartAsync();
        host.Server.Prompts.Add(new McpServerPrompt(new Protocol.Mcp.Prompt { Name = "many", Description = "d" }, (_, _) => ValueTask.FromResult(McpResults.UserPrompt("x")),
            (_, _, _) => ValueTask.FromResult(Enumerable.Range(0, 250).Select(i => "v" + i))));
        var session = await host.InitializeAsync();
        var result = (await host.RequestAsync(session, "completion/complete", """{"ref":{"type":"ref/prompt","name":"many"},"argument":{"name":"a","value":""}}""")).Result["completion"]!;
        result["values"]!.AsArray().Count.Should().Be(100);
        ((int)result["total"]!).Should().Be(250);
        result["hasMore"]!.GetValue<bool>().Should().BeTrue();
    }

    private async Task<(StreamReader Reader, IDisposable Response)> OpenGetStreamAsync(string session)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Mcp-Session-Id", session);
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return (reader, response);
    }

    private static async Task<string?> ReadDataLineAsync(StreamReader reader, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
                {
                    return line[5..].Trim();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return null;
    }
}

internal static class DisposableTupleExtensions
{
    public static void Dispose(this (StreamReader Reader, IDisposable Response) stream)
    {
        stream.Reader.Dispose();
        stream.Response.Dispose();
    }
}

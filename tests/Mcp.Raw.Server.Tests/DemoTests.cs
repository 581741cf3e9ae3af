using System.Net;
using System.Text.Json.Nodes;

namespace Mcp.Raw.Server.Tests;

/// <summary>The demo's tools end to end over HTTP: notifications arrive while the tool works, before the result.</summary>
[CancelAfter(60_000)]
public sealed class DemoTests
{
    [Test]
    public async Task ProcessFilesNotifiesPerItemBeforeTheResultInA2025Session()
    {
        await using var host = await DemoHost.StartAsync();
        var session = await host.InitializeAsync();
        var reply = await host.RequestAsync(session, "tools/call", """{"name":"process_files","arguments":{"items":["a.txt","b.txt","c.txt"],"delay_ms":1},"_meta":{"progressToken":"p1"}}""");
        reply.IsSse.Should().BeTrue();
        var kinds = reply.Messages.Select(m => (string?)m["method"] ?? "result").ToList();
        kinds.Should().Equal(
            "notifications/progress", "notifications/message",
            "notifications/progress", "notifications/message",
            "notifications/progress", "notifications/message",
            "result");
        reply.Notifications("notifications/message").Select(m => (string?)m["params"]!["data"]).Should().Equal(
            "Processing a.txt (1/3)", "Processing b.txt (2/3)", "Processing c.txt (3/3)");
        reply.Notifications("notifications/progress").Select(m => (double)m["params"]!["progress"]!).Should().Equal(1, 2, 3);
        Reply.Text(reply.Result).Should().Be("Processed 3 items: a.txt, b.txt, c.txt");
    }

    [Test]
    public async Task ProcessFilesIn20260728SendsProgressAndLogsWhenAsked()
    {
        await using var host = await DemoHost.StartAsync();
        var reply = await host.ModernAsync("tools/call", """{"name":"process_files","arguments":{"items":["x","y"],"delay_ms":1},"_meta":{"progressToken":7}}""", logLevel: "info");
        reply.Notifications("notifications/message").Should().HaveCount(2);
        reply.Notifications("notifications/progress").Select(m => (int)m["params"]!["progressToken"]!).Should().AllBeEquivalentTo(7);
        reply.IndexOfResponse.Should().Be(4);
    }

    [Test]
    public async Task ProcessFilesNotificationsArriveWhileTheToolIsStillWorking()
    {
        await using var host = await DemoHost.StartAsync();
        var session = await host.InitializeAsync();
        using var request = DemoHost.Post("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"process_files","arguments":{"items":["a","b"],"delay_ms":2000},"_meta":{"progressToken":1}}}""", session, "2025-11-25");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? first = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
            {
                first = line;
                break;
            }
        }

        // The first item's notification is here although the tool still has ~4 s of work: nothing is buffered.
        JsonNode.Parse(first![5..])!["method"]!.GetValue<string>().Should().Be("notifications/progress");
        var stats = await host.RequestAsync(session, "tools/list");
        stats.Result["tools"].Should().NotBeNull("other requests of the session are served meanwhile");
    }

    [Test]
    public async Task CancelledInASessionStopsTheToolAndSendsNoResponse_UT09()
    {
        await using var host = await DemoHost.StartAsync();
        var session = await host.InitializeAsync();
        using var request = DemoHost.Post("""{"jsonrpc":"2.0","id":"slow-1","method":"tools/call","params":{"name":"slow_count","arguments":{"count":1000,"delay_ms":20},"_meta":{"progressToken":1}}}""", session, "2025-11-25");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        await FirstDataLineAsync(body);
        using var cancel = await host.Client.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-1","reason":"user"}}""", session, "2025-11-25"));
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var rest = await body.ReadToEndAsync();
        rest.Should().NotContain("\"result\"", "UT-09: no response for a cancelled request");
        var snapshot = await StatsAsync(host, session);
        ((int)snapshot["cancelled"]!).Should().Be(1);
        ((int)snapshot["running"]!).Should().Be(0);
    }

    [Test]
    public async Task ClosingTheResponseStreamCancelsA20260728Call()
    {
        await using var host = await DemoHost.StartAsync();
        var request = DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow_count","arguments":{"count":1000,"delay_ms":20},"_meta":{"progressToken":1,"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""", version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "slow_count");
        var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        await FirstDataLineAsync(body);
        body.Dispose();
        response.Dispose();
        request.Dispose();

        var settled = await host.Stats.WaitForAsync(s => s.Cancelled > 0 || s.Completed > 0, TestContext.CurrentContext.CancellationToken);
        settled.Should().Be(new Cli.Serve.SlowCountSnapshot(1, 0, 1, 0));
    }

    [Test]
    public async Task ASlowToolDoesNotBlockOtherRequestsOrSessions()
    {
        await using var host = await DemoHost.StartAsync();
        var slowSession = await host.InitializeAsync();
        var slow = host.RequestAsync(slowSession, "tools/call", """{"name":"slow_count","arguments":{"count":50,"delay_ms":100}}""");
        var other = await host.InitializeAsync();
        await host.Stats.WaitForAsync(s => s.Running > 0, TestContext.CurrentContext.CancellationToken);

        var echo = await host.RequestAsync(other, "tools/call", """{"name":"echo","arguments":{"text":"hi"}}""");
        Reply.Text(echo.Result).Should().Be("hi");
        var sameSession = await host.RequestAsync(slowSession, "tools/call", """{"name":"echo","arguments":{"text":"me too"}}""");
        Reply.Text(sameSession.Result).Should().Be("me too");
        host.Stats.Snapshot().Running.Should().Be(1, "the slow call was still running while both echoes were answered");
        Reply.Text((await slow).Result).Should().Be("counted to 50");
    }

    [Test]
    public async Task ProgressToolSendsAProgressThenALogPerStepThenDone()
    {
        await using var host = await DemoHost.StartAsync();
        var session = await host.InitializeAsync();
        var reply = await host.RequestAsync(session, "tools/call", """{"name":"progress","arguments":{"steps":3},"_meta":{"progressToken":"t"}}""");
        reply.Messages.Select(m => (string?)m["method"] ?? "result").Should().Equal(
            "notifications/progress", "notifications/message", "notifications/progress", "notifications/message", "notifications/progress", "notifications/message", "result");
        reply.Notifications("notifications/message").Select(m => (string?)m["params"]!["data"]).Should().Equal("step 1", "step 2", "step 3");
        Reply.Text(reply.Result).Should().Be("done");
    }

    [Test]
    public async Task StatelessModeServesToolsWithoutASession()
    {
        await using var host = await DemoHost.StartAsync(stateless: true);
        var reply = await host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"plain"}}}""", version: "2025-11-25"), HttpStatusCode.OK);
        Reply.Text(reply.Result).Should().Be("plain");
        var sampling = await host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"m"}}}""", version: "2025-11-25"), HttpStatusCode.OK);
        // CL-14: a stateless server knows no client capabilities and cannot ask the client: the call fails at once
        // (SV-29) instead of hanging.
        sampling.Result["isError"]!.GetValue<bool>().Should().BeTrue();
        Reply.Text(sampling.Result).Should().Contain("elicitation");
    }

    [Test]
    public async Task The20241105TransportServesTheSameTools()
    {
        await using var host = await DemoHost.StartAsync();
        using var sse = await host.Client.GetAsync("/sse", HttpCompletionOption.ResponseHeadersRead);
        sse.StatusCode.Should().Be(HttpStatusCode.OK);
        using var reader = new StreamReader(await sse.Content.ReadAsStreamAsync());
        string? endpoint = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                endpoint = line[5..].Trim();
                break;
            }
        }

        endpoint.Should().NotBeNull();
        async Task<JsonNode> PostAsync(string json)
        {
            using var post = await host.Client.PostAsync(endpoint, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            post.StatusCode.Should().Be(HttpStatusCode.Accepted);
            return JsonNode.Parse((await FirstDataLineAsync(reader))[5..])!;
        }

        var init = await PostAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"old","version":"1"}}}""");
        ((string?)init["result"]!["protocolVersion"]).Should().Be("2024-11-05");
        var echo = await PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"from 2024"}}}""");
        ((string?)echo["result"]!["content"]![0]!["text"]).Should().Be("from 2024");
    }

    private static async Task<string> FirstDataLineAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
            {
                return line;
            }
        }

        throw new AssertionException("the stream ended without data");
    }

    private static async Task<JsonNode> StatsAsync(DemoHost host, string session)
    {
        // Once no call runs (an event of the counters), the stats tool reports it over HTTP.
        await host.Stats.WaitForAsync(s => s.Running == 0, TestContext.CurrentContext.CancellationToken);
        var reply = await host.RequestAsync(session, "tools/call", """{"name":"slow_count_stats","arguments":{}}""");
        return reply.Result["structuredContent"]!;
    }
}

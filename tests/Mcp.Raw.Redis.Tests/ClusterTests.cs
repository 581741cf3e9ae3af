using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Mcp.Raw.Redis.Tests;

/// <summary>
/// Three nodes on one Redis behind a round-robin proxy, with no sticky sessions: a 2025 session's requests land on
/// whichever node is next, and each one still finds the session (issue 13's end-to-end runs).
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ClusterTests
{
    private RedisServer _redis = null!;

    [OneTimeSetUp]
    public async Task StartRedis() => _redis = await RedisServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopRedis() => await _redis.DisposeAsync();

    [Test]
    public async Task ASessionsInitializeCallsGetStreamAndDelete_EachLandOnADifferentNode_TR53()
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var nodes = new List<string>();

        using var init = await PostAsync(cluster, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        init.StatusCode.Should().Be(HttpStatusCode.OK);
        nodes.Add(NodeOf(init));
        var session = init.Headers.GetValues("Mcp-Session-Id").Single();

        using var ready = await PostAsync(cluster, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session);
        ready.StatusCode.Should().Be(HttpStatusCode.Accepted);
        nodes.Add(NodeOf(ready));

        using var call = await PostAsync(cluster, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"process_files","arguments":{"items":["a","b"],"delay_ms":1},"_meta":{"progressToken":"p"}}}""", session);
        call.StatusCode.Should().Be(HttpStatusCode.OK);
        nodes.Add(NodeOf(call));
        var events = await SseEvents.ReadAllAsync(call);
        events.Where(e => e.Data.Length > 0).Select(e => (string?)JsonNode.Parse(e.Data)!["method"] ?? "result")
            .Should().Equal("notifications/progress", "notifications/message", "notifications/progress", "notifications/message", "result");

        using (var get = new HttpRequestMessage(HttpMethod.Get, cluster.Endpoint))
        {
            get.Headers.Add("Accept", "text/event-stream");
            get.Headers.Add("Mcp-Session-Id", session);
            get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
            using var stream = await cluster.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
            stream.StatusCode.Should().Be(HttpStatusCode.OK, "the GET stream opens on a node that never saw the session before");
            stream.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
            nodes.Add(NodeOf(stream));
        }

        using (var delete = new HttpRequestMessage(HttpMethod.Delete, cluster.Endpoint))
        {
            delete.Headers.Add("Mcp-Session-Id", session);
            delete.Headers.Add("MCP-Protocol-Version", "2025-11-25");
            using var deleted = await cluster.Client.SendAsync(delete);
            deleted.StatusCode.Should().Be(HttpStatusCode.OK);
            nodes.Add(NodeOf(deleted));
        }

        nodes.Distinct().Should().HaveCount(3, "round robin spreads the session's requests over every node");
        for (var i = 1; i < nodes.Count; i++)
        {
            nodes[i].Should().NotBe(nodes[i - 1], "no two requests in a row land on one node");
        }

        // DELETE on one node ends the session on all of them.
        var after = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            using var ping = await PostAsync(cluster, """{"jsonrpc":"2.0","id":9,"method":"ping"}""", session);
            ping.StatusCode.Should().Be(HttpStatusCode.NotFound, "the session is gone everywhere (TR-54)");
            after.Add(NodeOf(ping));
        }

        after.Should().HaveCount(3);
    }

    [Test]
    public async Task ADroppedStreamResumesThroughAnotherNode_WithExactlyTheMissedEvents_TR41()
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        using var init = await PostAsync(cluster, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        var session = init.Headers.GetValues("Mcp-Session-Id").Single();
        (await PostAsync(cluster, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session)).Dispose();

        // Six items, 150 ms apart: the client reads two notifications, then its connection drops.
        var call = await PostAsync(cluster, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"process_files","arguments":{"items":["a","b","c","d","e","f"],"delay_ms":150},"_meta":{"progressToken":"p"}}}""", session);
        var callNode = NodeOf(call);
        var seen = await SseEvents.ReadAsync(call, count: 3); // the priming event and two notifications
        call.Dispose();
        seen.Should().HaveCount(3);
        var lastId = seen[^1].Id!;

        using var resume = new HttpRequestMessage(HttpMethod.Get, cluster.Endpoint);
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Mcp-Session-Id", session);
        resume.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        resume.Headers.Add("Last-Event-ID", lastId);
        using var resumed = await cluster.Client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead);
        resumed.StatusCode.Should().Be(HttpStatusCode.OK);
        NodeOf(resumed).Should().NotBe(callNode, "the resumed stream is served by another node than the one running the tool");
        var rest = (await SseEvents.ReadAllAsync(resumed)).Where(e => e.Id is not null && e.Data.Length > 0).ToList();

        var sequences = seen.Concat(rest).Where(e => e.Id is not null).Select(e => long.Parse(e.Id!.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        sequences.Should().Equal(Enumerable.Range(0, sequences.Count).Select(i => (long)i), "every event once, in order: nothing lost, nothing twice");
        var messages = rest.Select(e => JsonNode.Parse(e.Data)!).ToList();
        messages.Count(m => (string?)m["method"] == "notifications/progress").Should().Be(5, "each item has a progress notification; the first came before the drop");
        ((string?)messages[^1]["result"]!["content"]![0]!["text"]).Should().Be("Processed 6 items: a, b, c, d, e, f");
    }

    [Test]
    public async Task AToolOnOneNodeElicits_AndTheClientsAnswerLandingOnAnotherNodeReachesIt_CL05(CancellationToken cancellationToken)
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var session = await InitializeAsync(cluster, """{"elicitation":{}}""");

        using var call = await PostAsync(cluster, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"Who are you?"}}}""", session);
        var callNode = NodeOf(call);
        using var reader = new StreamReader(await call.Content.ReadAsStreamAsync(cancellationToken));
        var request = await SseEvents.NextMessageAsync(reader, m => (string?)m["method"] == "elicitation/create", cancellationToken);
        ((string?)request["params"]!["message"]).Should().Be("Who are you?");

        var answer = """{"jsonrpc":"2.0","id":@ID,"result":{"action":"accept","content":{"username":"ada","email":"ada@example.com"}}}""".Replace("@ID", request["id"]!.ToJsonString(), StringComparison.Ordinal);
        using var posted = await PostAsync(cluster, answer, session);
        posted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        NodeOf(posted).Should().NotBe(callNode, "the answer lands on another node than the tool that waits for it");

        var result = await SseEvents.NextMessageAsync(reader, m => m["result"] is not null, cancellationToken);
        ((int)result["id"]!).Should().Be(2);
        ((string?)result["result"]!["content"]![0]!["text"]).Should().Contain("action=accept").And.Contain("ada@example.com");
    }

    [Test]
    public async Task ACancellationLandingOnAnotherNodeStopsTheRequest_UT09(CancellationToken cancellationToken)
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var session = await InitializeAsync(cluster, "{}");

        using var call = await PostAsync(cluster, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow_count","arguments":{"count":1000,"delay_ms":20},"_meta":{"progressToken":"c"}}}""", session);
        var callNode = NodeOf(call);
        using var reader = new StreamReader(await call.Content.ReadAsStreamAsync(cancellationToken));
        await SseEvents.NextMessageAsync(reader, m => (string?)m["method"] == "notifications/progress", cancellationToken);

        using var cancel = await PostAsync(cluster, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"changed my mind"}}""", session);
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        NodeOf(cancel).Should().NotBe(callNode);

        // The stream ends without an answer (UT-09), long before the thousand ticks.
        var rest = new List<JsonNode>();
        while (await SseEvents.NextMessageOrNullAsync(reader, cancellationToken) is { } message)
        {
            rest.Add(message);
        }

        rest.Should().NotContain(m => m["result"] != null || m["error"] != null, "a cancelled request is not answered");
        rest.Count.Should().BeLessThan(900, "the tool stopped when the cancellation reached its node");
    }

    [Test]
    public async Task AListChangeMadeOnAnotherNodeReachesTheGetStream_SV11(CancellationToken cancellationToken)
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var session = await InitializeAsync(cluster, "{}");

        using var get = new HttpRequestMessage(HttpMethod.Get, cluster.Endpoint);
        get.Headers.Add("Accept", "text/event-stream");
        get.Headers.Add("Mcp-Session-Id", session);
        get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var stream = await cluster.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        var streamNode = NodeOf(stream);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken));

        // The tool changes the tool list of the node that runs it, which announces it to the session.
        using var call = await PostAsync(cluster, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_trigger_tool_change","arguments":{}}}""", session);
        call.StatusCode.Should().Be(HttpStatusCode.OK);
        NodeOf(call).Should().NotBe(streamNode, "the change happens on another node than the one holding the GET stream");
        await call.Content.ReadAsStringAsync(cancellationToken);

        var change = await SseEvents.NextMessageAsync(reader, m => m["method"] is not null, cancellationToken);
        ((string?)change["method"]).Should().Be("notifications/tools/list_changed");
    }

    [Test]
    public async Task WhileRedisIsDown_RequestsGet503WithRetryAfter_OpenStreamsEnd_AndServiceResumesByItself(CancellationToken cancellationToken)
    {
        // A Redis of this test's own: it is stopped and started again.
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration);
        var session = await InitializeAsync(cluster, "{}");
        using var get = new HttpRequestMessage(HttpMethod.Get, cluster.Endpoint);
        get.Headers.Add("Accept", "text/event-stream");
        get.Headers.Add("Mcp-Session-Id", session);
        get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var stream = await cluster.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken));

        await redis.StopAsync();

        // The open stream ends cleanly (its client would resume later), rather than hang on a log it cannot read.
        while (await SseEvents.NextMessageOrNullAsync(reader, cancellationToken) is not null)
        {
        }

        using (var ping = await PostAsync(cluster, """{"jsonrpc":"2.0","id":5,"method":"ping"}""", session))
        {
            ping.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            ping.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
            var error = JsonNode.Parse(await ping.Content.ReadAsStringAsync(cancellationToken))!["error"]!;
            ((int)error["code"]!).Should().Be(-32603);
            ((string?)error["message"]).Should().Contain("session store cannot be reached");
        }

        using (var refused = await PostAsync(cluster, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "a new session needs Redis too");
        }

        await redis.RestartAsync();

        // Each node's connection comes back by itself; until it has, the answer is still 503 (bounded wait).
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 100 && status != HttpStatusCode.OK; attempt++)
        {
            using var init = await PostAsync(cluster, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
            status = init.StatusCode;
            status.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], "never a 500 while Redis comes back");
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        status.Should().Be(HttpStatusCode.OK, "service resumes once Redis is back");
        var fresh = await InitializeAsync(cluster, "{}");
        for (var i = 0; i < 3; i++)
        {
            using var ping = await PostAsync(cluster, """{"jsonrpc":"2.0","id":6,"method":"ping"}""", fresh);
            ping.StatusCode.Should().Be(HttpStatusCode.OK, "every node serves the new session");
        }
    }

    private static async Task<string> InitializeAsync(Cluster cluster, string capabilities)
    {
        using var init = await PostAsync(cluster, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":@CAPS,"clientInfo":{"name":"t","version":"1"}}}""".Replace("@CAPS", capabilities, StringComparison.Ordinal));
        init.StatusCode.Should().Be(HttpStatusCode.OK);
        var session = init.Headers.GetValues("Mcp-Session-Id").Single();
        using var ready = await PostAsync(cluster, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session);
        ready.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return session;
    }

    private static string NodeOf(HttpResponseMessage response) => response.Headers.GetValues(Cluster.NodeHeader).Single();

    private static async Task<HttpResponseMessage> PostAsync(Cluster cluster, string json, string? session = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, cluster.Endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
            request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        }

        return await cluster.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}

/// <summary>Reads SSE events (<c>id</c>, <c>data</c>) from a response, as a client does.</summary>
internal static class SseEvents
{
    /// <summary>The next message (an event with data) that <paramref name="match"/> accepts; fails when the stream ends first.</summary>
    public static async Task<JsonNode> NextMessageAsync(StreamReader reader, Func<JsonNode, bool> match, CancellationToken cancellationToken)
    {
        while (await NextMessageOrNullAsync(reader, cancellationToken) is { } message)
        {
            if (match(message))
            {
                return message;
            }
        }

        throw new AssertionException("the stream ended before the expected message");
    }

    /// <summary>The next message, or null at the end of the stream.</summary>
    public static async Task<JsonNode?> NextMessageOrNullAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return JsonNode.Parse(data.ToString());
                }

                continue;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
            }
        }

        return null;
    }

    public static Task<List<(string? Id, string Data)>> ReadAllAsync(HttpResponseMessage response) => ReadAsync(response, int.MaxValue);

    public static async Task<List<(string? Id, string Data)>> ReadAsync(HttpResponseMessage response, int count)
    {
        var events = new List<(string? Id, string Data)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? id = null;
        var data = new StringBuilder();
        var any = false;
        while (events.Count < count && await reader.ReadLineAsync(TestContext.CurrentContext.CancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    events.Add((id, data.ToString()));
                }

                id = null;
                data.Clear();
                any = false;
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line[3..].Trim();
                any = true;
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
                any = true;
            }
        }

        return events;
    }
}

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

        using (var get = GetRequest(cluster, session))
        {
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

        using var resume = GetRequest(cluster, session, lastId);
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

        using var get = GetRequest(cluster, session);
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
        using var get = GetRequest(cluster, session);
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
        // A node whose connection is not back yet answers 503 (or, if Redis fails it mid-handshake, initialize's
        // -32603); never a 500.
        string? fresh = null;
        for (var attempt = 0; attempt < 100 && fresh is null; attempt++)
        {
            using var init = await PostAsync(cluster, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
            init.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], "never a 500 while Redis comes back");
            if (init.StatusCode == HttpStatusCode.OK && (await init.Content.ReadAsStringAsync(cancellationToken)).Contains("\"result\"", StringComparison.Ordinal))
            {
                fresh = init.Headers.GetValues("Mcp-Session-Id").Single();
            }
            else
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        fresh.Should().NotBeNull("service resumes once Redis is back");
        // Every node comes back by itself, each in its own time: a node still reconnecting answers 503, never more.
        var served = new HashSet<string>();
        for (var attempt = 0; attempt < 300 && served.Count < 3; attempt++)
        {
            using var ping = await PostAsync(cluster, """{"jsonrpc":"2.0","id":6,"method":"ping"}""", fresh);
            ping.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable]);
            if (ping.StatusCode == HttpStatusCode.OK)
            {
                served.Add(NodeOf(ping));
            }
            else
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        served.Should().HaveCount(3, "every node serves the new session once Redis is back");
    }

    [Test]
    public async Task AnMrtrRequestStateSealedOnOneNodeIsOpenedOnAnother_MMR11(CancellationToken cancellationToken)
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var (first, firstNode) = await ModernCallAsync(cluster, """{"name":"test_input_required_result_elicitation","arguments":{}}""", cancellationToken);
        ((string?)first["result"]!["resultType"]).Should().Be("input_required");
        var state = (string)first["result"]!["requestState"]!;

        var (second, secondNode) = await ModernCallAsync(cluster, """{"name":"test_input_required_result_elicitation","arguments":{},"inputResponses":{"user_name":{"action":"accept","content":{"name":"Alice"}}},"requestState":"@S"}""".Replace("@S", state, StringComparison.Ordinal), cancellationToken);
        secondNode.Should().NotBe(firstNode, "the retry lands on another node than the one that sealed the state");
        ((string?)second["result"]!["resultType"]).Should().Be("complete", "every node opens a state any node sealed: the key ring is shared");
        ((string?)second["result"]!["content"]![0]!["text"]).Should().Be("Hello, Alice");

        var tampered = state[..^4] + (state[^4] == 'A' ? "B" : "A") + state[^3..];
        var (refused, _) = await ModernCallAsync(cluster, """{"name":"test_input_required_result_elicitation","arguments":{},"inputResponses":{"user_name":{"action":"accept","content":{"name":"Eve"}}},"requestState":"@S"}""".Replace("@S", tampered, StringComparison.Ordinal), cancellationToken);
        refused["result"].Should().BeNull("a state that fails its check is refused (M-MR-12)");
        ((string?)refused["error"]!["message"]).Should().Contain("requestState");
    }

    [Test]
    public async Task AListChangeOnOneNodeReachesAListenStreamOnAnother_MSB02(CancellationToken cancellationToken)
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var body = """{"jsonrpc":"2.0","id":"sub-1","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""";
        using var listen = new HttpRequestMessage(HttpMethod.Post, cluster.Endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        listen.Headers.Add("Accept", "application/json, text/event-stream");
        listen.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        listen.Headers.Add("Mcp-Method", "subscriptions/listen");
        using var stream = await cluster.Client.SendAsync(listen, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        var listenNode = NodeOf(stream);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken));
        var ack = await SseEvents.NextMessageAsync(reader, m => m["method"] is not null, cancellationToken);
        ((string?)ack["method"]).Should().Be("notifications/subscriptions/acknowledged");

        var (_, changeNode) = await ModernCallAsync(cluster, """{"name":"test_trigger_tool_change","arguments":{}}""", cancellationToken);
        changeNode.Should().NotBe(listenNode, "the tool list changes on another node than the one holding the listen stream");

        var change = await SseEvents.NextMessageAsync(reader, m => m["method"] is not null, cancellationToken);
        ((string?)change["method"]).Should().Be("notifications/tools/list_changed");
        ((string?)change["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]).Should().Be("sub-1");
    }

    [Test]
    public async Task ANodeKilledMidStreamLosesNoEventThatReplayShouldDeliver_TheClientResumesThroughAnother_TR41(CancellationToken cancellationToken)
    {
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var session = await InitializeAsync(cluster, "{}");
        var call = await PostAsync(cluster, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"process_files","arguments":{"items":["a","b","c","d","e","f","g","h"],"delay_ms":100},"_meta":{"progressToken":"k"}}}""", session);
        var callNode = NodeOf(call);
        var seen = await SseEvents.ReadAsync(call, count: 3);
        var lastId = seen[^1].Id!;
        call.Dispose();

        // The tool goes on (a dropped connection is not a cancellation in 2025 sessions): wait until it has appended
        // three more events to the log, then kill its node.
        var parts = lastId.Split('.');
        var afterLast = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        var multiplexer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration + ",allowAdmin=true");
        long appended;
        await using (multiplexer)
        {
            var meta = multiplexer.GetServers()[0].Keys(pattern: "*e:" + parts[0] + ":" + parts[1] + ":m").Single();
            var db = multiplexer.GetDatabase();
            for (var attempt = 0; attempt < 200 && (long)await db.HashGetAsync(meta, "seq") < afterLast + 3; attempt++)
            {
                await Task.Delay(25, cancellationToken);
            }

            await cluster.KillAsync(callNode);
            appended = (long)await db.HashGetAsync(meta, "seq");
        }

        appended.Should().BeGreaterThanOrEqualTo(afterLast + 3, "the tool appended after the client's connection dropped");

        HttpResponseMessage? resumed = null;
        for (var attempt = 0; attempt < 3 && resumed is null; attempt++)
        {
            var resume = GetRequest(cluster, session, lastId);
            var response = await cluster.Client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.BadGateway)
            {
                // The proxy tried the dead node: a client retries.
                response.Dispose();
                continue;
            }

            resumed = response;
        }

        using (resumed)
        {
            resumed!.StatusCode.Should().Be(HttpStatusCode.OK, "the client resumes through a live node");
            var replayed = (await SseEvents.ReadAsync(resumed, count: (int)(appended - afterLast))).Where(e => e.Id is not null).Select(e => long.Parse(e.Id!.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            replayed.Should().Equal(Enumerable.Range((int)afterLast + 1, (int)(appended - afterLast)).Select(i => (long)i), "every event the dead node appended after the client's last one, once and in order");
        }
    }

    [Test]
    public async Task ATaskCreatedOnOneNodeIsPolledOnTheOthers_AndCancelledFromAnother_T09_T22(CancellationToken cancellationToken)
    {
        const string Declaring = """{"extensions":{"io.modelcontextprotocol/tasks":{}}}""";
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);

        // A short task: created on one node, its result read on the others.
        var (quick, quickNode) = await ModernAsync(cluster, "tools/call", """{"name":"slow_compute","arguments":{"seconds":0.3}}""", Declaring, "slow_compute", cancellationToken);
        ((string?)quick["result"]!["resultType"]).Should().Be("task");
        var quickId = (string)quick["result"]!["taskId"]!;
        JsonNode done;
        var pollNodes = new HashSet<string>();
        while (true)
        {
            var (got, node) = await ModernAsync(cluster, "tasks/get", "{\"taskId\":\"" + quickId + "\"}", Declaring, quickId, cancellationToken);
            got["error"].Should().BeNull("every node finds the task: " + got.ToJsonString());
            pollNodes.Add(node);
            if ((string?)got["result"]!["status"] == "completed")
            {
                done = got["result"]!;
                break;
            }

            await Task.Delay(50, cancellationToken);
        }

        done["result"]!["content"]![0]!["text"].Should().NotBeNull("the result the creating node stored is read on any node");
        pollNodes.Should().HaveCountGreaterThan(1);

        // A long task: cancelled through another node than the one running its tool.
        var (slow, slowNode) = await ModernAsync(cluster, "tools/call", """{"name":"slow_compute","arguments":{"seconds":30}}""", Declaring, "slow_compute", cancellationToken);
        var slowId = (string)slow["result"]!["taskId"]!;
        var (cancel, cancelNode) = await ModernAsync(cluster, "tasks/cancel", "{\"taskId\":\"" + slowId + "\"}", Declaring, slowId, cancellationToken);
        cancel["error"].Should().BeNull();
        cancelNode.Should().NotBe(slowNode);
        for (var attempt = 0; ; attempt++)
        {
            var (got, _) = await ModernAsync(cluster, "tasks/get", "{\"taskId\":\"" + slowId + "\"}", Declaring, slowId, cancellationToken);
            if ((string?)got["result"]!["status"] == "cancelled")
            {
                break;
            }

            attempt.Should().BeLessThan(200, "the cancellation reaches the node running the tool (T-22)");
            await Task.Delay(50, cancellationToken);
        }
    }

    [Test]
    public async Task AListenStreamOnOneNodeFollowsATaskRunningOnAnother_T24(CancellationToken cancellationToken)
    {
        const string Declaring = """{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}""";
        await using var cluster = await Cluster.StartAsync(_redis.Configuration);
        var (created, taskNode) = await ModernAsync(cluster, "tools/call", """{"name":"confirm_delete","arguments":{"filename":"t24.txt"}}""", Declaring, "confirm_delete", cancellationToken);
        var id = (string)created["result"]!["taskId"]!;
        for (var attempt = 0; ; attempt++)
        {
            var (got, _) = await ModernAsync(cluster, "tasks/get", "{\"taskId\":\"" + id + "\"}", Declaring, id, cancellationToken);
            if ((string?)got["result"]!["status"] == "input_required")
            {
                break;
            }

            attempt.Should().BeLessThan(200);
            await Task.Delay(25, cancellationToken);
        }

        // A listen stream on another node than the task's (round robin: the next request lands elsewhere).
        HttpResponseMessage stream;
        while (true)
        {
            var body = """{"jsonrpc":"2.0","id":"follow","method":"subscriptions/listen","params":{"notifications":{"taskIds":["@ID"]},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":@CAPS}}}""".Replace("@ID", id, StringComparison.Ordinal).Replace("@CAPS", Declaring, StringComparison.Ordinal);
            using var listen = new HttpRequestMessage(HttpMethod.Post, cluster.Endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            listen.Headers.Add("Accept", "application/json, text/event-stream");
            listen.Headers.Add("MCP-Protocol-Version", "2026-07-28");
            listen.Headers.Add("Mcp-Method", "subscriptions/listen");
            stream = await cluster.Client.SendAsync(listen, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (NodeOf(stream) != taskNode)
            {
                break;
            }

            stream.Dispose();
        }

        using (stream)
        {
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken));
            var ack = await SseEvents.NextMessageAsync(reader, m => m["method"] is not null, cancellationToken);
            ((string?)ack["method"]).Should().Be("notifications/subscriptions/acknowledged");
            ack["params"]!["notifications"]!["taskIds"]!.AsArray().Select(n => (string)n!).Should().Equal([id], "the task is found on this node too");

            var (updated, _) = await ModernAsync(cluster, "tasks/update", "{\"taskId\":\"" + id + "\",\"inputResponses\":{\"confirm\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}}", Declaring, id, cancellationToken);
            updated["error"].Should().BeNull();

            var statuses = new List<string>();
            while (!statuses.Contains("completed"))
            {
                var message = await SseEvents.NextMessageAsync(reader, m => m["method"] is not null, cancellationToken);
                ((string?)message["method"]).Should().Be("notifications/tasks");
                ((string?)message["params"]!["taskId"]).Should().Be(id);
                statuses.Add((string)message["params"]!["status"]!);
            }

            statuses.Should().StartWith("input_required", "the stream opens with the task's state as the store has it");
            statuses.Should().Contain("working").And.EndWith("completed", "each change on the task's node reaches this one");
        }
    }

    /// <summary>A 2026-07-28 tools/call (sessionless, its envelope in _meta, the headers it needs): the answer and its node.</summary>
    private static Task<(JsonNode Answer, string Node)> ModernCallAsync(Cluster cluster, string @params, CancellationToken cancellationToken) =>
        ModernAsync(cluster, "tools/call", @params, """{"elicitation":{}}""", (string)JsonNode.Parse(@params)!["name"]!, cancellationToken);

    /// <summary>A 2026-07-28 request: the answer and the node that served it.</summary>
    private static async Task<(JsonNode Answer, string Node)> ModernAsync(Cluster cluster, string method, string @params, string capabilities, string? name, CancellationToken cancellationToken)
    {
        var p = JsonNode.Parse(@params)!.AsObject();
        p["_meta"] = JsonNode.Parse("""{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":@CAPS}""".Replace("@CAPS", capabilities, StringComparison.Ordinal));
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = p }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, cluster.Endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        if (name is not null)
        {
            request.Headers.Add("Mcp-Name", name);
        }

        using var response = await cluster.Client.SendAsync(request, cancellationToken);
        var node = NodeOf(response);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            return (await SseEvents.NextMessageAsync(reader, m => m["id"] is not null, cancellationToken), node);
        }

        return (JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!, node);
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

    /// <summary>A GET of the session's stream (a resume when <paramref name="lastEventId"/> is given).</summary>
    private static HttpRequestMessage GetRequest(Cluster cluster, string session, string? lastEventId = null)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, cluster.Endpoint);
        get.Headers.Add("Accept", "text/event-stream");
        get.Headers.Add("Mcp-Session-Id", session);
        get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        if (lastEventId is not null)
        {
            get.Headers.Add("Last-Event-ID", lastEventId);
        }

        return get;
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

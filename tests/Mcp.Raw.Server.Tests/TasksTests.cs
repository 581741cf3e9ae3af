using System.Net;
using System.Text.Json.Nodes;
using Mcp.Raw.Cli.Serve;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Server.Tests;

/// <summary>
/// The tasks extension (io.modelcontextprotocol/tasks, SEP-2663) on the demo's conformance fixtures, over real HTTP,
/// by the T-xx items of ../shared/spec/checklist-tasks.md.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class TasksTests
{
    private const string Extension = "io.modelcontextprotocol/tasks";
    private const string Declaring = """{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}""";
    private DemoHost _host = null!;

    [SetUp]
    public async Task SetUp() => _host = await DemoHost.StartAsync();

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    [Test]
    public async Task DiscoverAdvertisesTheExtension_NotACapabilitiesTasksSlot_T01()
    {
        var caps = (await _host.ModernAsync("server/discover")).Result["capabilities"]!;
        caps["extensions"]![Extension].Should().NotBeNull();
        caps["tasks"].Should().BeNull();
    }

    [Test]
    public async Task ATaskCapableToolRunsPlainWithoutTheExtension_AndAsATaskWithIt_T02()
    {
        var plain = (await Call("slow_compute", """{"seconds":0.2}""", "{}")).Result;
        ((string)plain["resultType"]!).Should().Be("complete");
        plain["taskId"].Should().BeNull();
        Reply.Text(plain).Should().StartWith("Computed");

        var task = (await Call("slow_compute", """{"seconds":0.2}""")).Result;
        ((string)task["resultType"]!).Should().Be("task");
        ((string)task["taskId"]!).Should().NotBeNullOrEmpty();
    }

    [TestCase("tasks/get")]
    [TestCase("tasks/update")]
    [TestCase("tasks/cancel")]
    public async Task TaskMethodsFromANonDeclaringRequest_Are32021_T03(string method)
    {
        var reply = await _host.ModernAsync(method, """{"taskId":"gate","inputResponses":{}}""", capabilities: "{}", name: "gate", status: HttpStatusCode.BadRequest);
        ((int)reply.Error["code"]!).Should().Be(-32021);
    }

    [Test]
    public async Task ARequiredTaskToolWithoutTheExtension_Is32021WithTheExtensionInData_T04()
    {
        var error = (await _host.ModernAsync("tools/call", """{"name":"failing_job","arguments":{}}""", "{}", status: HttpStatusCode.BadRequest)).Error;
        ((int)error["code"]!).Should().Be(-32021);
        error["data"]!["requiredCapabilities"]!["extensions"]![Extension].Should().NotBeNull();
    }

    [Test]
    public async Task CreateTaskResultIsFlatWithTheV2FieldNames_T07_T08_T16()
    {
        var created = (await Call("slow_compute", """{"seconds":30}""")).Result.AsObject();
        ((string)created["resultType"]!).Should().Be("task");
        ((string)created["status"]!).Should().Be("working");
        ((string)created["taskId"]!).Should().MatchRegex("^[0-9a-f]{32}$", "128 random bits (T-26)");
        DateTimeOffset.TryParse((string)created["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture, out _).Should().BeTrue();
        DateTimeOffset.TryParse((string)created["lastUpdatedAt"]!, System.Globalization.CultureInfo.InvariantCulture, out _).Should().BeTrue();
        ((long)created["ttlMs"]!).Should().BePositive();
        ((long)created["pollIntervalMs"]!).Should().BePositive();
        created.Select(p => p.Key).Should().NotContain(["task", "ttl", "pollInterval", "result", "error", "inputRequests", "requestState"]);
        await Cancel((string)created["taskId"]!);
    }

    [Test]
    public async Task ATaskIsReadableRightAfterItsCreation_AndWorkingCarriesNoResult_T09_T12()
    {
        var id = await Start("slow_compute", """{"seconds":30}""");
        var got = (await Get(id)).Result.AsObject();
        ((string)got["taskId"]!).Should().Be(id);
        ((string)got["status"]!).Should().Be("working");
        ((string)got["resultType"]!).Should().Be("complete", "T-11");
        got.Select(p => p.Key).Should().NotContain(["result", "error", "requestState"]);
        await Cancel(id);
    }

    [Test]
    public async Task InA2025SessionTheExtensionDoesNotExist_T05()
    {
        var session = await _host.InitializeAsync("""{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}""");
        var optional = (await _host.RequestAsync(session, "tools/call", """{"name":"slow_compute","arguments":{"seconds":0.1}}""")).Result;
        optional["taskId"].Should().BeNull("an Optional tool runs as a plain call");
        Reply.Text(optional).Should().StartWith("Computed");

        var required = (await _host.RequestAsync(session, "tools/call", """{"name":"failing_job","arguments":{}}""")).Result;
        ((bool)required["isError"]!).Should().BeTrue("a Required tool cannot run: an isError result saying why");
        Reply.Text(required).Should().Contain(Extension);

        var get = await _host.RequestAsync(session, "tasks/get", """{"taskId":"x"}""");
        ((int)get.Error["code"]!).Should().Be(-32601, "tasks/get is not a 2025 method");
    }

    [Test]
    public async Task TheLegacyTaskParamIsIgnored_T06()
    {
        var result = (await _host.ModernAsync("tools/call", """{"name":"greet","arguments":{"name":"legacy"},"task":{"ttl":60000,"pollInterval":100}}""", Declaring)).Result;
        result["taskId"].Should().BeNull("the v1 hint neither errors nor promotes a plain tool");
        Reply.Text(result).Should().Be("Hello, legacy!");
    }

    [Test]
    public async Task AToolThatFinishesAtOnce_AnswersWithoutATask_T10()
    {
        var result = (await Call("slow_compute", """{"seconds":0}""")).Result;
        ((string)result["resultType"]!).Should().Be("complete");
        result["taskId"].Should().BeNull();
    }

    [Test]
    public async Task ACompletedTaskInlinesTheToolResult_T13()
    {
        var id = await Start("slow_compute", """{"seconds":0.2,"label":"inline"}""");
        var done = await UntilTerminal(id);
        ((string)done["status"]!).Should().Be("completed");
        Reply.Text(done["result"]!).Should().Be("Computed inline after 0.2 s.");
        done["result"]!["_meta"]?["io.modelcontextprotocol/related-task"].Should().BeNull("T-16");
    }

    [Test]
    public async Task AToolErrorCompletes_AJsonRpcErrorFails_T14()
    {
        var toolError = await UntilTerminal(await Start("failing_job", "{}"));
        ((string)toolError["status"]!).Should().Be("completed");
        ((bool)toolError["result"]!["isError"]!).Should().BeTrue();

        var failed = await UntilTerminal(await Start("protocol_error_job", "{}"));
        ((string)failed["status"]!).Should().Be("failed");
        ((int)failed["error"]!["code"]!).Should().Be(-32603);
        ((string)failed["error"]!["message"]!).Should().Contain("internal error");
        failed["result"].Should().BeNull();
    }

    [Test]
    public async Task AnUnknownTaskId_Is32602_T15()
    {
        var reply = await Get("tasks-conformance-nonexistent-12345");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task InputRequiredListsEveryRequest_PartialAnswersKeepTheRest_UnknownKeysAreAcked_T19_T20()
    {
        var id = await Start("multi_input", "{}");
        var waiting = await Until(id, t => (string?)t["status"] == "input_required");
        var keys = waiting["inputRequests"]!.AsObject().Select(p => p.Key).ToList();
        keys.Should().BeEquivalentTo(["first", "second"]);
        waiting["inputRequests"]!["first"]!["method"]!.GetValue<string>().Should().Be("elicitation/create");

        var ack = (await Update(id, """{"first":{"action":"accept","content":{"name":"one"}},"never-asked":{"ignored":true}}""")).Result.AsObject();
        ack.Select(p => p.Key).Should().BeEquivalentTo(["resultType", "_meta"], "an empty ack (T-20)");
        var partial = (await Get(id)).Result;
        ((string)partial["status"]!).Should().Be("input_required");
        partial["inputRequests"]!.AsObject().Select(p => p.Key).Should().Equal("second");

        await Update(id, """{"second":{"action":"accept","content":{"name":"two"}}}""");
        var done = await UntilTerminal(id);
        ((string)done["status"]!).Should().Be("completed");
        Reply.Text(done["result"]!).Should().Be("Answered: first, second");
    }

    [Test]
    public async Task AnMrtrRoundComesBeforeTheTask_AndTheTaskSeesItsAnswer_T21()
    {
        var round = (await Call("test_tool_with_task", "{}")).Result;
        ((string)round["resultType"]!).Should().Be("input_required");
        round["taskId"].Should().BeNull();
        var key = round["inputRequests"]!.AsObject().First().Key;

        var retry = new JsonObject
        {
            ["name"] = "test_tool_with_task",
            ["arguments"] = new JsonObject(),
            ["inputResponses"] = new JsonObject { [key] = JsonNode.Parse("""{"action":"accept","content":{"name":"Alice"}}""") },
            ["requestState"] = round["requestState"]!.GetValue<string>(),
        };
        var created = (await _host.ModernAsync("tools/call", retry.ToJsonString(), Declaring)).Result.AsObject();
        ((string)created["resultType"]!).Should().Be("task");
        created.Select(p => p.Key).Should().NotContain(["requestState", "inputRequests"]);
        var done = await UntilTerminal((string)created["taskId"]!);
        Reply.Text(done["result"]!).Should().Contain("Alice");
    }

    [Test]
    public async Task CancelEndsTheTaskAsCancelled_ForGood_AndIsIdempotent_T18_T22()
    {
        var id = await Start("slow_compute", """{"seconds":60}""");
        var ack = (await Cancel(id)).Result.AsObject();
        ack.Select(p => p.Key).Should().BeEquivalentTo(["resultType", "_meta"]);
        ((string)ack["resultType"]!).Should().Be("complete");
        var cancelled = (await Get(id)).Result;
        ((string)cancelled["status"]!).Should().Be("cancelled");

        var again = (await Cancel(id)).Result;
        ((string)again["resultType"]!).Should().Be("complete", "a terminal task gets the same ack, not -32602");
        ((string)(await Get(id)).Result["status"]!).Should().Be("cancelled", "terminal states never change");
    }

    [TestCase("tasks/result")]
    [TestCase("tasks/list")]
    public async Task RemovedTaskMethods_Are32601With404_T23(string method)
    {
        var reply = await _host.ModernAsync(method, """{"taskId":"x"}""", Declaring, status: HttpStatusCode.NotFound);
        ((int)reply.Error["code"]!).Should().Be(-32601);
    }

    [Test]
    public async Task AnMcpNameThatIsNotTheTaskId_Is400And32020_T25()
    {
        var id = await Start("slow_compute", """{"seconds":30}""");
        var reply = await _host.ModernAsync("tasks/get", $$"""{"taskId":"{{id}}"}""", Declaring, name: "another-task", status: HttpStatusCode.BadRequest);
        ((int)reply.Error["code"]!).Should().Be(-32020);
        ((string)(await Get(id)).Result["taskId"]!).Should().Be(id, "the matching header is accepted");
        await Cancel(id);
    }

    [Test]
    public async Task AnotherPrincipalCannotReadUpdateOrCancelATask_T26()
    {
        await using var host = await DemoHost.StartAsync(security: new ServeSecurity { ApiKeys = ["key-of-alice-0123456789", "key-of-bob-0123456789"] });
        var created = await AsUser(host, "key-of-alice-0123456789", "tools/call", """{"name":"slow_compute","arguments":{"seconds":30}}""", "slow_compute");
        var id = (string)created.Result["taskId"]!;
        foreach (var method in new[] { "tasks/get", "tasks/update", "tasks/cancel" })
        {
            var refused = await AsUser(host, "key-of-bob-0123456789", method, "{\"taskId\":\"" + id + "\",\"inputResponses\":{}}", id);
            ((int)refused.Error["code"]!).Should().Be(-32602, "another principal's task is not found (" + method + ")");
        }

        var mine = await AsUser(host, "key-of-alice-0123456789", "tasks/get", $$"""{"taskId":"{{id}}"}""", id);
        ((string)mine.Result["status"]!).Should().Be("working", "bob's cancel did not reach it");
        await AsUser(host, "key-of-alice-0123456789", "tasks/cancel", $$"""{"taskId":"{{id}}"}""", id);
    }

    [Test]
    public async Task AListenStreamFollowsTheTasksItNames_WithNotificationsTasks_T24()
    {
        var id = await Start("confirm_delete", """{"filename":"t24.txt"}""");
        await Until(id, t => (string?)t["status"] == "input_required");
        using var response = await Listen($$"""{"taskIds":["{{id}}","not-a-task"]}""", Declaring);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var ack = await NextData(reader);
        ((string)ack["method"]!).Should().Be("notifications/subscriptions/acknowledged");
        ack["params"]!["notifications"]!["taskIds"]!.AsArray().Select(n => (string)n!).Should().Equal([id], "only the caller's existing tasks are accepted");

        await Update(id, """{"confirm":{"action":"accept","content":{"confirm":true}}}""");
        var statuses = new List<string>();
        while (!statuses.Contains("completed"))
        {
            var message = await NextData(reader);
            ((string)message["method"]!).Should().Be("notifications/tasks", "a task's listener gets no progress or log notifications");
            ((string)message["params"]!["taskId"]!).Should().Be(id);
            statuses.Add((string)message["params"]!["status"]!);
        }

        statuses.Should().Equal(["input_required", "working", "completed"], "the stream opens with the task's state as it is, then each change");
    }

    [Test]
    public async Task FollowingTasksFromANonDeclaringListen_Is32021_T24()
    {
        using var response = await Listen("""{"taskIds":["x"]}""", "{}");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        ((int)error["code"]!).Should().Be(-32021);
    }

    [Test]
    public async Task ATaskResolvesServicesAfterItsRequestEnded_FromAScopeOfItsOwn()
    {
        await using var host = await DemoHost.StartAsync(services: s =>
        {
            s.AddScoped<ScopedProbe>();
            s.AddMcpRawServer().AddTool("scoped_after_yield", "Resolves a scoped service after its first await.", """{"type":"object","properties":{}}""", async ctx =>
            {
                await Task.Delay(100, ctx.Cancellation);
                return McpResults.Text(ctx.Services.GetRequiredService<ScopedProbe>().Answer);
            }, taskSupport: McpTaskSupport.Optional);
        });
        var created = (await host.ModernAsync("tools/call", """{"name":"scoped_after_yield","arguments":{}}""", Declaring)).Result;
        var done = await UntilTerminal(host, (string)created["taskId"]!);

        Reply.Text(done["result"]!).Should().Be("resolved", "the request's scope had ended; the task has its own");
    }

    [Test]
    public async Task ACancelledTaskStaysCancelled_EvenWhenItsToolFinishesLater_T18()
    {
        var toolEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await DemoHost.StartAsync(services: s => s.AddMcpRawServer().AddTool("stubborn", "Ignores cancellation and returns later.", """{"type":"object","properties":{}}""", async ctx =>
        {
            try
            {
                await release.Task;
                return McpResults.Text("finished anyway");
            }
            finally
            {
                toolEnded.TrySetResult();
            }
        }, taskSupport: McpTaskSupport.Optional));
        var id = (string)(await host.ModernAsync("tools/call", """{"name":"stubborn","arguments":{}}""", Declaring)).Result["taskId"]!;
        await host.ModernAsync("tasks/cancel", "{\"taskId\":\"" + id + "\"}", Declaring, name: id);
        release.SetResult();
        await toolEnded.Task.WaitAsync(TestContext.CurrentContext.CancellationToken);

        // The tool returned a result after the cancel: the task records nothing more (the outcome is written right after
        // the tool returns; a second read after a round trip sees it either way).
        for (var i = 0; i < 3; i++)
        {
            var task = (await host.ModernAsync("tasks/get", "{\"taskId\":\"" + id + "\"}", Declaring, name: id)).Result;
            ((string)task["status"]!).Should().Be("cancelled");
            task["result"].Should().BeNull();
        }
    }

    [Test]
    public async Task ADuplicateTaskId_OrAMissingMcpName_Is400And32020_T25()
    {
        var id = await Start("slow_compute", """{"seconds":30}""");
        var meta = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}""";
        var twice = DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tasks/get\",\"params\":{\"taskId\":\"" + id + "\",\"taskId\":\"other\",\"_meta\":" + meta + "}}", version: DemoHost.Modern);
        twice.Headers.Add("Mcp-Method", "tasks/get");
        twice.Headers.Add("Mcp-Name", id);
        var duplicate = await _host.SendAsync(twice, HttpStatusCode.BadRequest);
        ((int)duplicate.Error["code"]!).Should().Be(-32020);

        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 1,
            ["method"] = "tasks/get",
            ["params"] = new JsonObject
            {
                ["taskId"] = id,
                ["_meta"] = new JsonObject
                {
                    ["io.modelcontextprotocol/protocolVersion"] = DemoHost.Modern,
                    ["io.modelcontextprotocol/clientInfo"] = JsonNode.Parse("""{"name":"t","version":"1"}"""),
                    ["io.modelcontextprotocol/clientCapabilities"] = JsonNode.Parse(Declaring),
                },
            },
        }.ToJsonString();
        var request = DemoHost.Post(body, version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", "tasks/get");
        var missing = await _host.SendAsync(request, HttpStatusCode.BadRequest);
        ((int)missing.Error["code"]!).Should().Be(-32020);
        await Cancel(id);
    }

    [Test]
    public async Task AnUnknownKeyIsAckedWhateverItsValue_T20()
    {
        var id = await Start("confirm_delete", """{"filename":"k.txt"}""");
        await Until(id, t => (string?)t["status"] == "input_required");
        var ack = (await Update(id, """{"never-asked":42}""")).Result;
        ((string)ack["resultType"]!).Should().Be("complete");
        ((string)(await Get(id)).Result["status"]!).Should().Be("input_required", "the outstanding key is still unanswered");
        await Cancel(id);
    }

    [Test]
    public async Task TaskOptionsThatCannotGoOnTheWire_FailAtStart_T08()
    {
        var start = async () => await (await DemoHost.StartAsync(configure: o => o.TaskPollInterval = TimeSpan.Zero)).DisposeAsync();
        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>()).Which.Message.Should().Contain("TaskPollInterval");
    }

    [Test]
    public async Task TheInMemoryStore_BoundsResults_AndExpiresOnlyFinishedTasks_T17()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var store = new Mcp.Raw.Server.Tasks.InMemoryTaskStore(maxTasks: 10, maxBytes: 4096, time: clock);
        var running = new Mcp.Raw.Server.Tasks.McpTaskRecord { TaskId = "running", ToolName = "t", TtlMs = 1000 };
        var done = new Mcp.Raw.Server.Tasks.McpTaskRecord { TaskId = "done", ToolName = "t", TtlMs = 1000 };
        (await store.TryCreateAsync(running)).Should().BeTrue();
        (await store.TryCreateAsync(done)).Should().BeTrue();
        (await store.UpdateAsync("done", t => t with { State = Mcp.Raw.Server.Tasks.McpTaskState.Completed, Result = "{}"u8.ToArray() }))!.State.Should().Be(Mcp.Raw.Server.Tasks.McpTaskState.Completed);

        var big = (await store.UpdateAsync("running", t => t with { State = Mcp.Raw.Server.Tasks.McpTaskState.Completed, Result = new byte[8192] }))!;
        big.State.Should().Be(Mcp.Raw.Server.Tasks.McpTaskState.Failed, "a result past the store's bytes fails the task");
        big.Result.IsEmpty.Should().BeTrue();
        store.Bytes.Should().BeLessThanOrEqualTo(4096);

        clock.Advance(TimeSpan.FromMilliseconds(999));
        (await store.GetAsync("done")).Should().NotBeNull("readable for its ttlMs");
        clock.Advance(TimeSpan.FromMilliseconds(2));
        (await store.GetAsync("done")).Should().BeNull("gone after its ttlMs");
    }

    [Test]
    public async Task ATaskThatEndsInMissingCapability_FailsWithRequiredCapabilitiesInItsError_T14()
    {
        await using var host = await DemoHost.StartAsync(services: s => s.AddMcpRawServer().AddTool("needs_sampling", "Fails for want of sampling, as a task.", """{"type":"object","properties":{}}""", async ctx =>
        {
            await Task.Delay(50, ctx.Cancellation);
            throw new McpMissingCapabilityException("sampling");
        }, taskSupport: McpTaskSupport.Optional));
        var id = (string)(await host.ModernAsync("tools/call", """{"name":"needs_sampling","arguments":{}}""", Declaring)).Result["taskId"]!;
        var task = await UntilTerminal(host, id);

        ((string)task["status"]!).Should().Be("failed");
        ((int)task["error"]!["code"]!).Should().Be(-32021);
        task["error"]!["data"]!["requiredCapabilities"]!["sampling"].Should().NotBeNull();
    }

    [Test]
    public async Task TheDemosProcessFiles_RunsAsATaskWithTasksOn_EachItemItsStatus()
    {
        await using var host = await DemoHost.StartAsync(tasks: true, configure: o => o.TaskPollInterval = TimeSpan.FromMilliseconds(20));
        var created = (await host.ModernAsync("tools/call", """{"name":"process_files","arguments":{"items":["a.txt","b.txt","c.txt"],"delay_ms":150}}""", Declaring)).Result;
        ((string)created["resultType"]!).Should().Be("task");
        var id = (string)created["taskId"]!;
        var messages = new List<string>();
        var task = await Until(host, id, t =>
        {
            if ((string?)t["statusMessage"] is { } m && (messages.Count == 0 || messages[^1] != m))
            {
                messages.Add(m);
            }

            return IsTerminal(t);
        }, pollMilliseconds: 20);

        ((string)task["status"]!).Should().Be("completed");
        Reply.Text(task["result"]!).Should().Be("Processed 3 items: a.txt, b.txt, c.txt");
        messages.Should().Contain("Processing c.txt (3/3)").And.OnlyContain(m => m.StartsWith("Processing ", StringComparison.Ordinal));

        // Without the extension the same call streams its notifications as before.
        var plain = await host.ModernAsync("tools/call", """{"name":"process_files","arguments":{"items":["x"],"delay_ms":1}}""", "{}", logLevel: "info");
        plain.Notifications("notifications/message").Should().ContainSingle();
        Reply.Text(plain.Result).Should().Be("Processed 1 items: x");
    }

    [Test]
    public async Task ATaskSeesNoHttpContextAfterItsRequestEnded()
    {
        await using var host = await DemoHost.StartAsync(services: s =>
        {
            s.AddHttpContextAccessor();
            s.AddMcpRawServer().AddTool("context_after_yield", "Reads IHttpContextAccessor after its request ended.", """{"type":"object","properties":{}}""", async ctx =>
            {
                var accessor = ctx.Services.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>();
                await Task.Delay(200, ctx.Cancellation);
                return McpResults.Text(accessor.HttpContext is null ? "none" : "a context");
            }, taskSupport: McpTaskSupport.Optional);
        });
        var id = (string)(await host.ModernAsync("tools/call", """{"name":"context_after_yield","arguments":{}}""", Declaring)).Result["taskId"]!;
        var task = await UntilTerminal(host, id);

        Reply.Text(task["result"]!).Should().Be("none", "the request's HttpContext is gone (ASP.NET Core clears the accessor's holder), never a recycled one");
    }

    private sealed class ScopedProbe
    {
        public string Answer => "resolved";
    }

    private async Task<HttpResponseMessage> Listen(string notifications, string capabilities)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = _host.NextId(),
            ["method"] = "subscriptions/listen",
            ["params"] = new JsonObject
            {
                ["notifications"] = JsonNode.Parse(notifications),
                ["_meta"] = new JsonObject
                {
                    ["io.modelcontextprotocol/protocolVersion"] = DemoHost.Modern,
                    ["io.modelcontextprotocol/clientCapabilities"] = JsonNode.Parse(capabilities),
                },
            },
        }.ToJsonString();
        var request = DemoHost.Post(body, version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        return await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<JsonNode> NextData(StreamReader reader)
    {
        while (await reader.ReadLineAsync(TestContext.CurrentContext.CancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
            {
                return JsonNode.Parse(line[5..])!;
            }
        }

        throw new AssertionException("the listen stream ended");
    }

    private static Task<Reply> AsUser(DemoHost host, string key, string method, string @params, string name)
    {
        var p = JsonNode.Parse(@params)!.AsObject();
        p["_meta"] = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = DemoHost.Modern,
            ["io.modelcontextprotocol/clientInfo"] = JsonNode.Parse("""{"name":"t","version":"1"}"""),
            ["io.modelcontextprotocol/clientCapabilities"] = JsonNode.Parse(Declaring),
        };
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = host.NextId(), ["method"] = method, ["params"] = p }.ToJsonString();
        var request = DemoHost.Post(body, version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", method);
        request.Headers.Add("Mcp-Name", name);
        request.Headers.Add("Authorization", "Bearer " + key);
        return host.SendAsync(request, HttpStatusCode.OK);
    }

    private Task<Reply> Call(string tool, string arguments, string capabilities = Declaring) =>
        _host.ModernAsync("tools/call", "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}", capabilities);

    private async Task<string> Start(string tool, string arguments)
    {
        var result = (await Call(tool, arguments)).Result;
        ((string)result["resultType"]!).Should().Be("task", "the call became a task: " + result.ToJsonString());
        return (string)result["taskId"]!;
    }

    private Task<Reply> Get(string id) => Get(_host, id);

    private static Task<Reply> Get(DemoHost host, string id) => host.ModernAsync("tasks/get", $$"""{"taskId":"{{id}}"}""", Declaring, name: id);

    private Task<Reply> Cancel(string id) => _host.ModernAsync("tasks/cancel", $$"""{"taskId":"{{id}}"}""", Declaring, name: id);

    private Task<Reply> Update(string id, string responses) =>
        _host.ModernAsync("tasks/update", "{\"taskId\":\"" + id + "\",\"inputResponses\":" + responses + "}", Declaring, name: id);

    private static bool IsTerminal(JsonNode task) => (string?)task["status"] is "completed" or "failed" or "cancelled";

    private Task<JsonNode> UntilTerminal(string id) => UntilTerminal(_host, id);

    private static Task<JsonNode> UntilTerminal(DemoHost host, string id) => Until(host, id, IsTerminal);

    private Task<JsonNode> Until(string id, Func<JsonNode, bool> condition) => Until(_host, id, condition);

    /// <summary>Polls tasks/get, as a client does, until the condition holds (bounded by the test's time limit).</summary>
    private static async Task<JsonNode> Until(DemoHost host, string id, Func<JsonNode, bool> condition, int pollMilliseconds = 50)
    {
        var token = TestContext.CurrentContext.CancellationToken;
        while (true)
        {
            var task = (await Get(host, id)).Result;
            if (condition(task))
            {
                return task;
            }

            await Task.Delay(pollMilliseconds, token);
        }
    }
}

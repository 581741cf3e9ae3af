using System.Net;
using System.Text.Json.Nodes;

namespace Mcp.Raw.Server.Tests;

/// <summary>LC-* and UT-* over HTTP against the demo server.</summary>
public sealed class LifecycleTests
{
    private DemoHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await DemoHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [TestCase("2025-11-25", "2025-11-25")]
    [TestCase("2025-06-18", "2025-06-18")]
    [TestCase("2025-03-26", "2025-03-26")]
    [TestCase("2024-11-05", "2024-11-05")]
    [TestCase("2026-07-28", "2025-11-25")]
    [TestCase("1.0.0", "2025-11-25")]
    [TestCase("2099-01-01", "2025-11-25")]
    public async Task LC_09_initialize_echoes_a_supported_version_and_otherwise_offers_the_newest_session_version(string proposed, string expected)
    {
        var reply = await _host.SendAsync(DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + proposed + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"), HttpStatusCode.OK);
        ((string?)reply.Result["protocolVersion"]).Should().Be(expected);
    }

    [Test]
    public async Task LC_03_LC_12_initialize_result_declares_what_is_registered_and_names_the_server()
    {
        var reply = await _host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""), HttpStatusCode.OK);
        var caps = reply.Result["capabilities"]!;
        caps["tools"]!["listChanged"]!.GetValue<bool>().Should().BeTrue();
        caps["resources"]!["subscribe"]!.GetValue<bool>().Should().BeTrue();
        caps["prompts"].Should().NotBeNull();
        caps["logging"].Should().NotBeNull();
        caps["completions"].Should().NotBeNull();
        ((string?)reply.Result["serverInfo"]!["name"]).Should().Be("mcp-raw-demo");
        reply.SessionId.Should().NotBeNullOrEmpty();
    }

    [Test]
    public async Task LC_02_initialize_without_client_info_is_invalid_params()
    {
        var reply = await _host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"""), HttpStatusCode.OK);
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task LC_15_ping_answers_an_empty_object()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "ping");
        reply.Result.ToJsonString().Should().Be("{}");
    }

    [Test]
    public async Task LC_07_requests_before_notifications_initialized_are_served()
    {
        var init = await _host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""), HttpStatusCode.OK);
        var reply = await _host.RequestAsync(init.SessionId!, "tools/list");
        reply.Result["tools"]!.AsArray().Should().NotBeEmpty();
    }

    [Test]
    public async Task UT_18_setLevel_answers_empty_and_filters_messages_below_the_level()
    {
        var session = await _host.InitializeAsync();
        (await _host.RequestAsync(session, "logging/setLevel", """{"level":"warning"}""")).Result.ToJsonString().Should().Be("{}");
        var quiet = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_logging","arguments":{}}""");
        quiet.Notifications("notifications/message").Should().BeEmpty();

        await _host.RequestAsync(session, "logging/setLevel", """{"level":"debug"}""");
        var loud = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_logging","arguments":{}}""");
        loud.Notifications("notifications/message").Select(m => (string?)m["params"]!["data"]).Should().Equal("Tool execution started", "Tool processing data", "Tool execution completed");
        loud.IndexOfResponse.Should().Be(loud.Messages.Count - 1, "UT-21: log lines travel on the request's stream before its response");
    }

    [TestCase("\"verbose\"")]
    [TestCase("42")]
    public async Task UT_18_unknown_level_is_invalid_params(string level)
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "logging/setLevel", "{\"level\":" + level + "}");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task UT_21_default_level_lets_info_through()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_logging","arguments":{}}""");
        reply.Notifications("notifications/message").Should().HaveCount(3);
    }

    [Test]
    public async Task UT_02_UT_03_progress_uses_the_token_increases_and_precedes_the_result()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":"tok-7"}}""");
        var progress = reply.Notifications("notifications/progress");
        progress.Select(p => (string?)p["params"]!["progressToken"]).Should().AllBe("tok-7");
        progress.Select(p => (double)p["params"]!["progress"]!).Should().Equal(0, 50, 100);
        progress.Select(p => (double)p["params"]!["total"]!).Should().AllBeEquivalentTo(100.0);
        reply.IndexOfResponse.Should().Be(reply.Messages.Count - 1);
    }

    [Test]
    public async Task UT_01_no_token_no_progress_and_a_plain_json_answer()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_progress","arguments":{}}""");
        reply.Notifications("notifications/progress").Should().BeEmpty();
        reply.IsSse.Should().BeFalse();
        Reply.Text(reply.Result).Should().Be("Progress test completed");
    }

    [Test]
    public async Task UT_03_progress_that_does_not_increase_is_not_sent()
    {
        await using var host = await DemoHost.StartAsync();
        host.Server.Tools.Add(McpServerTool.Create("flat", "reports 1, 1, 0.5, 2", """{"type":"object"}""", async ctx =>
        {
            var sent = new List<bool>
            {
                await ctx.ReportProgressAsync(1),
                await ctx.ReportProgressAsync(1),
                await ctx.ReportProgressAsync(0.5),
                await ctx.ReportProgressAsync(2),
            };
            return McpResults.Text(string.Join(",", sent));
        }));
        var session = await host.InitializeAsync();
        var reply = await host.RequestAsync(session, "tools/call", """{"name":"flat","_meta":{"progressToken":1}}""");
        reply.Notifications("notifications/progress").Select(p => (double)p["params"]!["progress"]!).Should().Equal(1, 2);
        Reply.Text(reply.Result).Should().Be("True,False,False,True");
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace Mcp.Raw.Server.Tests;

/// <summary>LC-* and UT-* over HTTP against the demo server.</summary>
[CancelAfter(60_000)]
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
    public async Task InitializeEchoesASupportedVersionAndOtherwiseOffersTheNewestSessionVersion_LC09(string proposed, string expected)
    {
        var reply = await _host.SendAsync(DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + proposed + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"), HttpStatusCode.OK);
        ((string?)reply.Result["protocolVersion"]).Should().Be(expected);
    }

    [Test]
    public async Task InitializeResultDeclaresWhatIsRegisteredAndNamesTheServer_LC03_LC12()
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
    public async Task InitializeWithoutClientInfoIsInvalidParams_LC02()
    {
        var reply = await _host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"""), HttpStatusCode.OK);
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task PingAnswersAnEmptyObject_LC15()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "ping");
        reply.Result.ToJsonString().Should().Be("{}");
    }

    [Test]
    public async Task RequestsBeforeNotificationsInitializedAreServed_LC07()
    {
        var init = await _host.SendAsync(DemoHost.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""), HttpStatusCode.OK);
        var reply = await _host.RequestAsync(init.SessionId!, "tools/list");
        reply.Result["tools"]!.AsArray().Should().NotBeEmpty();
    }

    [Test]
    public async Task SetLevelAnswersEmptyAndFiltersMessagesBelowTheLevel_UT18()
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
    public async Task UnknownLevelIsInvalidParams_UT18(string level)
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "logging/setLevel", "{\"level\":" + level + "}");
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task DefaultLevelLetsInfoThrough_UT21()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_logging","arguments":{}}""");
        reply.Notifications("notifications/message").Should().HaveCount(3);
    }

    [Test]
    public async Task ProgressUsesTheTokenIncreasesAndPrecedesTheResult_UT02_UT03()
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
    public async Task NoTokenNoProgressAndAPlainJsonAnswer_UT01()
    {
        var session = await _host.InitializeAsync();
        var reply = await _host.RequestAsync(session, "tools/call", """{"name":"test_tool_with_progress","arguments":{}}""");
        reply.Notifications("notifications/progress").Should().BeEmpty();
        reply.IsSse.Should().BeFalse();
        Reply.Text(reply.Result).Should().Be("Progress test completed");
    }

    [Test]
    public async Task ProgressThatDoesNotIncreaseIsNotSent_UT03()
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

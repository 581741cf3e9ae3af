using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Mcp.Raw.Cli.Serve;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server;
using Mcp.Raw.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Client.Tests;

/// <summary>The client against the demo server on real Kestrel (TR-* (C), CL-*, M-CL-*, M-MR-* client items).</summary>
[CancelAfter(60_000)]
public sealed class ClientTests
{
    private static readonly JsonElement s_threeFiles = JsonDocument.Parse("""{"items":["a.txt","b.txt","c.txt"],"delay_ms":1}""").RootElement;

    [TestCase(McpProtocolVersion.V2026_07_28, McpClientTransport.StreamableHttp)]
    [TestCase(McpProtocolVersion.V2025_11_25, McpClientTransport.StreamableHttp)]
    [TestCase(McpProtocolVersion.V2025_06_18, McpClientTransport.StreamableHttp)]
    [TestCase(McpProtocolVersion.V2025_03_26, McpClientTransport.StreamableHttp)]
    public async Task ProcessFilesNotificationsReachTheHandlerInOrderBeforeTheResult(McpProtocolVersion version, McpClientTransport transport)
    {
        await using var host = await Host.StartAsync();
        var seen = new ConcurrentQueue<string>();
        var options = new McpClientOptions
        {
            ProtocolVersion = version,
            LogLevel = LoggingLevel.Info,
            NotificationHandler = n =>
            {
                seen.Enqueue(n.AsLogMessage()?.Text ?? n.Method);
                return ValueTask.CompletedTask;
            },
        };
        await using var client = await McpClient.ConnectAsync(host.Url, options);
        client.ProtocolVersion.Should().Be(version);
        client.Transport.Should().Be(transport);
        var progress = new List<double>();
        var result = await client.CallToolAsync("process_files", s_threeFiles, n =>
        {
            progress.Add(n.AsProgress()!.Value.Progress);
            return ValueTask.CompletedTask;
        });
        seen.Add("result");
        seen.Where(s => s != "notifications/progress").Should().Equal("Processing a.txt (1/3)", "Processing b.txt (2/3)", "Processing c.txt (3/3)", "result");
        progress.Should().Equal(1, 2, 3);
        ((TextContent)result.Content[0]).Text.Should().Be("Processed 3 items: a.txt, b.txt, c.txt");
    }

    [Test]
    public async Task FallsBackToInitializeWhenTheServerDoesNotSpeak20260728_MCL10()
    {
        await using var host = await Host.StartAsync(transport: o => o.ModernVersions.Clear());
        await using var client = await McpClient.ConnectAsync(host.Url);
        client.ProtocolVersion.Should().Be(McpProtocolVersion.V2025_11_25);
        client.SessionId.Should().NotBeNull();
        ((TextContent)(await client.CallToolAsync("echo", Json("""{"text":"x"}"""))).Content[0]).Text.Should().Be("x");
    }

    [Test]
    public async Task FallsBackToThe20241105Transport_TR68()
    {
        await using var host = await Host.StartAsync();
        await using var client = await McpClient.ConnectAsync(new Uri(host.Url, "/sse"));
        client.Transport.Should().Be(McpClientTransport.HttpSse2024);
        client.ProtocolVersion.Should().Be(McpProtocolVersion.V2024_11_05);
        ((TextContent)(await client.CallToolAsync("echo", Json("""{"text":"old"}"""))).Content[0]).Text.Should().Be("old");
    }

    [Test]
    public async Task InputRoundsAreFulfilledAutomaticallyWithTheStateUntouched_MMR06_MMR10()
    {
        await using var host = await Host.StartAsync();
        var asked = new List<string>();
        var options = new McpClientOptions
        {
            ElicitationHandler = (request, _) =>
            {
                asked.Add(request.Message);
                var answer = request.Message.Contains("color", StringComparison.Ordinal) ? """{"color":"green"}""" : """{"name":"Dee"}""";
                return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = JsonSerializer.Deserialize(answer, McpJsonContext.Default.IDictionaryStringJsonElement) });
            },
        };
        await using var client = await McpClient.ConnectAsync(host.Url, options);
        client.IsModern.Should().BeTrue();
        var result = await client.CallToolAsync("test_input_required_result_multi_round");
        ((TextContent)result.Content[0]).Text.Should().Be("Dee likes green");
        asked.Should().Equal("Step 1: What is your name?", "Step 2: What is your favorite color?");
        var state = await client.CallToolAsync("test_input_required_result_request_state");
        ((TextContent)state.Content[0]).Text.Should().StartWith("state-ok", "M-MR-07: the state went back byte for byte");
    }

    [Test]
    public async Task SamplingAndElicitationAreAnsweredAsResponsesInA2025Session_CL01()
    {
        await using var host = await Host.StartAsync();
        var options = new McpClientOptions
        {
            ProtocolVersion = McpProtocolVersion.V2025_11_25,
            SamplingHandler = (request, _) => ValueTask.FromResult(new CreateMessageResult { Role = "assistant", Model = "m", Content = Json("""{"type":"text","text":"sampled!"}""") }),
            ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "accept", Content = JsonSerializer.Deserialize("""{"name":"Eve"}""", McpJsonContext.Default.IDictionaryStringJsonElement) }),
            RootsHandler = _ => ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = "file:///tmp/r", Name = "r" }] }),
        };
        await using var client = await McpClient.ConnectAsync(host.Url, options);
        ((TextContent)(await client.CallToolAsync("test_sampling", Json("""{"prompt":"hi"}"""))).Content[0]).Text.Should().Be("LLM response: sampled!");
        ((TextContent)(await client.CallToolAsync("test_input_required_result_elicitation")).Content[0]).Text.Should().Be("Hello, Eve");
        ((TextContent)(await client.CallToolAsync("test_input_required_result_list_roots")).Content[0]).Text.Should().Be("Roots: file:///tmp/r");
    }

    [Test]
    public async Task CapabilitiesFollowTheHandlersAndMissingOnesAreReported_MCL12()
    {
        await using var host = await Host.StartAsync();
        await using var client = await McpClient.ConnectAsync(host.Url);
        client.Capabilities.Sampling.Should().BeNull();
        var act = () => client.CallToolAsync("test_missing_capability");
        (await act.Should().ThrowAsync<McpClientException>()).Which.Code.Should().Be(-32021);
    }

    [TestCase(McpProtocolVersion.V2025_11_25)]
    [TestCase(McpProtocolVersion.V2026_07_28)]
    public async Task CancellingACallStopsTheToolOnTheServer_UT08(McpProtocolVersion version)
    {
        await using var host = await Host.StartAsync();
        await using var client = await McpClient.ConnectAsync(host.Url, new McpClientOptions { ProtocolVersion = version });
        using var cancel = new CancellationTokenSource();
        var call = client.CallToolAsync("slow_count", Json("""{"count":1000,"delay_ms":10}"""), n =>
        {
            cancel.Cancel();
            return ValueTask.CompletedTask;
        }, cancel.Token);
        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        var settled = await host.Stats.WaitForAsync(s => s.Cancelled > 0 || s.Completed > 0, TestContext.CurrentContext.CancellationToken);
        settled.Cancelled.Should().Be(1, version.IsModern() ? "closing the stream cancels (2026-07-28)" : "notifications/cancelled reached the server (UT-08)");
    }

    [Test]
    public async Task AStreamTheServerEndsEarlyIsResumedWithLastEventID_TR23_TR40()
    {
        await using var host = await Host.StartAsync(transport: o => o.RetryInterval = TimeSpan.FromMilliseconds(50));
        await using var client = await McpClient.ConnectAsync(host.Url, new McpClientOptions { ProtocolVersion = McpProtocolVersion.V2025_11_25 });
        var result = await client.CallToolAsync("test_reconnection");
        ((TextContent)result.Content[0]).Text.Should().Be("Reconnection test completed");
    }

    [Test]
    public async Task A404ForTheSessionMakesTheClientInitializeAgainOnce_TR55()
    {
        await using var host = await Host.StartAsync();
        await using var client = await McpClient.ConnectAsync(host.Url, new McpClientOptions { ProtocolVersion = McpProtocolVersion.V2025_11_25, OpenServerStream = false });
        var first = client.SessionId!;
        using (var raw = TestHttp.CreateClient(host.Url))
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, host.Url))
        {
            delete.Headers.Add("Mcp-Session-Id", first);
            (await raw.SendAsync(delete)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        ((TextContent)(await client.CallToolAsync("echo", Json("""{"text":"again"}"""))).Content[0]).Text.Should().Be("again");
        client.SessionId.Should().NotBe(first);
    }

    [Test]
    public async Task DisposeDeletesTheSession_TR56()
    {
        await using var host = await Host.StartAsync();
        string session;
        await using (var client = await McpClient.ConnectAsync(host.Url, new McpClientOptions { ProtocolVersion = McpProtocolVersion.V2025_06_18 }))
        {
            session = client.SessionId!;
            host.Server.SessionCount.Should().Be(1);
        }

        using var raw = TestHttp.CreateClient();
        using var ping = new HttpRequestMessage(HttpMethod.Post, host.Url) { Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", System.Text.Encoding.UTF8, "application/json") };
        ping.Headers.Add("Accept", "application/json, text/event-stream");
        ping.Headers.Add("Mcp-Session-Id", session);
        (await raw.SendAsync(ping)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ListChangesArriveOnTheGETStreamInA2025Session_SV11()
    {
        await using var host = await Host.StartAsync();
        var changed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new McpClientOptions
        {
            ProtocolVersion = McpProtocolVersion.V2025_11_25,
            NotificationHandler = n =>
            {
                if (n.Method.EndsWith("list_changed", StringComparison.Ordinal))
                {
                    changed.TrySetResult(n.Method);
                }

                return ValueTask.CompletedTask;
            },
        };
        await using var client = await McpClient.ConnectAsync(host.Url, options);

        // The client opens its GET stream in the background; a change made before it is open is not on it. Change
        // again until one arrives (bounded), instead of guessing how long the stream takes to open.
        for (var attempt = 0; attempt < 50 && !changed.Task.IsCompleted; attempt++)
        {
            await client.CallToolAsync("test_trigger_tool_change");
            await Task.WhenAny(changed.Task, Task.Delay(200));
        }

        (await changed.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("notifications/tools/list_changed");
    }

    [Test]
    public async Task ListenDeliversChangeNotificationsToTheHandler()
    {
        await using var host = await Host.StartAsync();
        var changed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new McpClientOptions
        {
            NotificationHandler = n =>
            {
                if (n.Method == "notifications/subscriptions/acknowledged")
                {
                    acknowledged.TrySetResult();
                }
                else if (n.Method.EndsWith("list_changed", StringComparison.Ordinal))
                {
                    changed.TrySetResult(n.Method);
                }

                return ValueTask.CompletedTask;
            },
        };
        await using var client = await McpClient.ConnectAsync(host.Url, options);
        using var stop = new CancellationTokenSource();
        var listen = client.ListenAsync(new SubscriptionFilter { PromptsListChanged = true }, stop.Token);
        await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await client.CallToolAsync("test_trigger_prompt_change");
        (await changed.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("notifications/prompts/list_changed");
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => listen).Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task AnnotatedArgumentsTravelInMcpParamHeadersWithTheBase64Sentinel_MCL02_MCL03()
    {
        await using var host = await Host.StartAsync();
        await using var client = await McpClient.ConnectAsync(host.Url);
        var result = await client.CallToolAsync("test_custom_headers_server", Json("""{"region":"Zürich west "}"""));
        ((TextContent)result.Content[0]).Text.Should().Be("region: Zürich west ", "the server checked Mcp-Param-Region against the body (a mismatch is -32020)");
    }

    [Test]
    public async Task ResourcesPromptsCompletionAndPing()
    {
        await using var host = await Host.StartAsync();
        await using var modern = await McpClient.ConnectAsync(host.Url);
        await using var legacy = await McpClient.ConnectAsync(host.Url, new McpClientOptions { ProtocolVersion = McpProtocolVersion.V2025_11_25 });
        foreach (var client in new[] { modern, legacy })
        {
            (await client.ListResourcesAsync()).Select(r => r.Uri).Should().Contain("test://static-text");
            (await client.ReadResourceAsync("test://template/7/data")).Contents[0].Text.Should().Contain("\"7\"");
            (await client.ListResourceTemplatesAsync()).Should().ContainSingle();
            (await client.ListPromptsAsync()).Should().Contain(p => p.Name == "test_simple_prompt");
            var prompt = await client.GetPromptAsync("test_prompt_with_arguments", new Dictionary<string, string> { ["arg1"] = "x", ["arg2"] = "y" });
            ((TextContent)prompt.Messages[0].Content).Text.Should().Contain("arg1='x'");
            var completion = await client.CompleteAsync(new CompletionReference { Type = "ref/prompt", Name = "test_prompt_with_arguments" }, "arg1", "testV");
            completion.Completion.Values.Should().Equal("testValue1", "testValue2");
            var missing = () => client.ReadResourceAsync("test://missing");
            (await missing.Should().ThrowAsync<McpClientException>()).Which.Code.Should().Be(client.IsModern ? -32602 : -32002);
        }

        await legacy.PingAsync();
        await legacy.SetLoggingLevelAsync(LoggingLevel.Warning);
    }

    [Test]
    public async Task ListingFollowsCursorsAcrossPages_UT27()
    {
        await using var host = await Host.StartAsync(server: o => o.PageSize = 3);
        await using var client = await McpClient.ConnectAsync(host.Url);
        var tools = await client.ListToolsAsync();
        tools.Count.Should().Be(host.Server.Tools.Count);
        tools.Select(t => t.Name).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public async Task StdioClientTalksToMcpRawServeStdio()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mcp-raw.dll");
        var logs = new ConcurrentQueue<string>();
        var options = new McpClientOptions
        {
            ProtocolVersion = McpProtocolVersion.V2025_11_25,
            NotificationHandler = n =>
            {
                if (n.AsLogMessage() is { } log)
                {
                    logs.Enqueue(log.Text);
                }

                return ValueTask.CompletedTask;
            },
        };
        await using var client = await McpClient.ConnectStdioAsync("dotnet", [dll, "serve", "--stdio", "--quiet"], options);
        client.Transport.Should().Be(McpClientTransport.Stdio);
        var result = await client.CallToolAsync("process_files", Json("""{"items":["x"],"delay_ms":1}"""));
        ((TextContent)result.Content[0]).Text.Should().Be("Processed 1 items: x");
        logs.Should().Equal("Processing x (1/1)");
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>The demo server with every conformance fixture, on 127.0.0.1 port 0.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Host(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public McpServer Server => _app.Services.GetRequiredService<McpServer>();

        public DemoStats Stats => _app.Services.GetRequiredService<DemoStats>();

        public IServiceProvider Services => _app.Services;

        public static async Task<Host> StartAsync(Action<McpServerOptions>? server = null, Action<StreamableHttpOptions>? transport = null)
        {
            var app = ServeCommand.Build(new ServeOptions("http://127.0.0.1:0", "/mcp", "/sse", Stateless: false, Conformance: true, Quiet: true), server, transport);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Host(app, new Uri(new Uri(address), "/mcp"));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

internal static class QueueExtensions
{
    public static void Add(this ConcurrentQueue<string> queue, string item) => queue.Enqueue(item);
}

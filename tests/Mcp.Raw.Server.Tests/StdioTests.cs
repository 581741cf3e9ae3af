using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using Mcp.Raw.Transport.Sessions;
using Mcp.Raw.Transport.Stdio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mcp.Raw.Server.Tests;

/// <summary>The server over stdio: newline-delimited JSON-RPC, logs on stderr, every era's lifecycle.</summary>
[CancelAfter(60_000)]
public sealed class StdioTests
{
    [Test]
    public async Task McpRawServeStdioRunsProcessFilesWithNotificationsBeforeTheResult()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mcp-raw.dll");
        File.Exists(dll).Should().BeTrue();
        var start = new ProcessStartInfo("dotnet", [dll, "serve", "--stdio"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
            await process.StandardInput.FlushAsync();
            var init = JsonNode.Parse((await ReadLineAsync(process.StandardOutput))!)!;
            ((string?)init["result"]!["protocolVersion"]).Should().Be("2025-11-25");
            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"process_files","arguments":{"items":["a.txt","b.txt"],"delay_ms":1},"_meta":{"progressToken":"s"}}}""");
            await process.StandardInput.FlushAsync();
            var lines = new List<JsonNode>();
            while (lines.Count == 0 || lines[^1]["id"] is null)
            {
                lines.Add(JsonNode.Parse((await ReadLineAsync(process.StandardOutput))!)!);
            }

            lines.Select(m => (string?)m["method"] ?? "result").Should().Equal(
                "notifications/progress", "notifications/message", "notifications/progress", "notifications/message", "result");
            ((string?)lines[^1]["result"]!["content"]![0]!["text"]).Should().Be("Processed 2 items: a.txt, b.txt");
        }
        finally
        {
            process.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(exit.Token);
        }

        process.ExitCode.Should().Be(0, "closing stdin ends the server cleanly (LC-17)");
        (await stderr).Should().Contain("tools/call process_files", "log lines go to stderr, never stdout");
    }

    [Test]
    public async Task CancelledStopsTheRequestWithoutAResponse_UT09()
    {
        await using var pair = await StdioPair.StartAsync();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        (await pair.ReadAsync())["result"].Should().NotBeNull();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"slow_count","arguments":{"count":1000,"delay_ms":10},"_meta":{"progressToken":1}}}""");
        ((string?)(await pair.ReadAsync())["method"]).Should().Be("notifications/progress");
        await pair.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c"}}""");
        await pair.SendAsync("""{"jsonrpc":"2.0","id":9,"method":"ping"}""");
        var reply = await pair.ReadPastProgressAsync();

        ((int)reply["id"]!).Should().Be(9, "the cancelled call never answers; the ping does");
    }

    [Test]
    public async Task A20260728RequestIsServedWithoutInitializeAndABadLineGetsAParseError()
    {
        await using var pair = await StdioPair.StartAsync();
        await pair.SendAsync("{oops");
        ((int)(await pair.ReadAsync())["error"]!["code"]!).Should().Be(-32700);
        await pair.SendAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""");
        var reply = await pair.ReadAsync();
        ((string?)reply["result"]!["resultType"]).Should().Be("complete");
        await pair.SendAsync("""{"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}""");
        ((int)(await pair.ReadAsync())["error"]!["code"]!).Should().Be(-32022);
        await pair.SendAsync("""{"jsonrpc":"2.0","id":6,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""");
        var missing = await pair.ReadAsync();
        ((int)missing["error"]!["code"]!).Should().Be(-32602, "M-RQ-01: clientCapabilities is required");
        ((int)missing["id"]!).Should().Be(6);
    }

    [Test]
    public async Task CancelledStopsA20260728RequestToo_UT09()
    {
        // Stdio has one connection: notifications/cancelled reaches its requests in both eras.
        await using var pair = await StdioPair.StartAsync();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":"m","method":"tools/call","params":{"name":"slow_count","arguments":{"count":1000,"delay_ms":10},"_meta":{"progressToken":1,"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""");
        ((string?)(await pair.ReadAsync())["method"]).Should().Be("notifications/progress");
        await pair.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"m"}}""");
        await pair.SendAsync("""{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""");
        var reply = await pair.ReadPastProgressAsync();

        ((int)reply["id"]!).Should().Be(9, "the cancelled call never answers; the next request does");
    }

    [Test]
    public async Task ARequestIdAlreadyInFlightIsRefused_JR03()
    {
        await using var pair = await StdioPair.StartAsync();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        (await pair.ReadAsync())["result"].Should().NotBeNull();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":"d","method":"tools/call","params":{"name":"slow_count","arguments":{"count":1000,"delay_ms":10},"_meta":{"progressToken":1}}}""");
        ((string?)(await pair.ReadAsync())["method"]).Should().Be("notifications/progress");
        await pair.SendAsync("""{"jsonrpc":"2.0","id":"d","method":"ping"}""");
        var reply = await pair.ReadPastProgressAsync();

        ((string?)reply["id"]).Should().Be("d");
        ((int)reply["error"]!["code"]!).Should().Be(-32600, "a second request with the id of one in flight is an invalid request");
    }

    [Test]
    public async Task AServerToClientRequestIsAnsweredOverStdio_CL01()
    {
        await using var pair = await StdioPair.StartAsync();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"sampling":{}},"clientInfo":{"name":"t","version":"1"}}}""");
        (await pair.ReadAsync())["result"].Should().NotBeNull();
        await pair.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await pair.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_sampling","arguments":{"prompt":"hi"}}}""");
        var request = await pair.ReadAsync();
        ((string?)request["method"]).Should().Be("sampling/createMessage");
        var id = request["id"]!.ToJsonString();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":@@ID@@,"result":{"role":"assistant","content":{"type":"text","text":"hello"},"model":"m"}}""".Replace("@@ID@@", id));
        var result = await pair.ReadAsync();
        ((int)result["id"]!).Should().Be(2);
        ((string?)result["result"]!["content"]![0]!["text"]).Should().Be("LLM response: hello");
    }

    [Test]
    public async Task AListChangeReachesTheStdioSessionOnItsOutput_SV11()
    {
        await using var pair = await StdioPair.StartAsync();
        await pair.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        (await pair.ReadAsync())["result"].Should().NotBeNull();
        await pair.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await pair.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_trigger_tool_change","arguments":{}}}""");

        // The change goes out as the tool runs, before or after its answer: read until both are in.
        var seen = new List<string>();
        while (!seen.Contains("result") || !seen.Contains("notifications/tools/list_changed"))
        {
            var message = await pair.ReadAsync();
            seen.Add((string?)message["method"] ?? "result");
        }

        seen.Should().ContainSingle(m => m == "notifications/tools/list_changed", "the stdio session is in the one registry the server announces changes to");
    }

    [Test]
    public async Task TheStdioSessionLivesInTheOneSessionRegistryUntilTheConnectionEnds()
    {
        var pair = await StdioPair.StartAsync();
        McpSession session;
        ISessionStore store;
        try
        {
            await pair.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
            (await pair.ReadAsync())["result"].Should().NotBeNull();
            session = pair.Session;
            store = pair.Host.Services.GetRequiredService<ISessionStore>();
            store.Local.Should().Contain(session, "stdio's session goes through the registered store, as HTTP's do");
            pair.Host.Server.SessionCount.Should().Be(1);
            (await store.GetAsync(session.Id))!.Should().BeSameAs(session);
        }
        finally
        {
            await pair.DisposeAsync();
        }

        store.Local.Should().NotContain(session, "the connection's end removes its session");
        session.Ended.IsCancellationRequested.Should().BeTrue();
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadLineAsync(timeout.Token);
    }

    /// <summary>The transport on in-memory pipes, with the demo's server.</summary>
    private sealed class StdioPair : IAsyncDisposable
    {
        private readonly Pipe _in = new();
        private readonly Pipe _out = new();
        private readonly StreamReader _reader;
        private readonly DemoHost _host;
        private readonly StdioServerTransport _transport;
        private readonly Task _run;

        private StdioPair(DemoHost host)
        {
            _host = host;
            _transport = new StdioServerTransport(host.Server, host.Services, NullLogger.Instance);
            _run = _transport.RunAsync(_in.Reader.AsStream(), _out.Writer.AsStream());
            _reader = new StreamReader(_out.Reader.AsStream(), Encoding.UTF8);
        }

        public static async Task<StdioPair> StartAsync() => new(await DemoHost.StartAsync());

        public DemoHost Host => _host;

        public McpSession Session => _transport.Session;

        public async Task SendAsync(string line)
        {
            await _in.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        }

        public async Task<JsonNode> ReadAsync() => JsonNode.Parse((await ReadLineAsync(_reader))!)!;

        /// <summary>The next message that is not a progress notification.</summary>
        public async Task<JsonNode> ReadPastProgressAsync()
        {
            JsonNode message;
            do
            {
                message = await ReadAsync();
            }
            while ((string?)message["method"] == "notifications/progress");

            return message;
        }

        public async ValueTask DisposeAsync()
        {
            await _in.Writer.CompleteAsync();
            await _transport.DisposeAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            await _host.DisposeAsync();
        }
    }
}

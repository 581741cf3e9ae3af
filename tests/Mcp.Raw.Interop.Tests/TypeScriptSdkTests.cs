using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Mcp.Raw.Client;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Interop.Tests;

/// <summary>
/// Our client against the official TypeScript servers (test-only peers, installed from npm into a cache folder on
/// first use): @modelcontextprotocol/sdk 1.32.2 (2025 era, stateful sessions) and @modelcontextprotocol/server 2.4.0
/// (2026-07-28). A tool call with progress and log notifications received before the result.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class TypeScriptSdkTests
{
    private static readonly string s_home = Environment.GetEnvironmentVariable("MCP_RAW_INTEROP_HOME")
        ?? Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? Path.GetTempPath(), ".cache", "mcp-raw-interop");

    [OneTimeSetUp]
    public async Task InstallAsync()
    {
        Directory.CreateDirectory(s_home);
        var ready = File.Exists(Path.Combine(s_home, "node_modules", "@modelcontextprotocol", "sdk", "package.json"))
            && File.Exists(Path.Combine(s_home, "node_modules", "@modelcontextprotocol", "server", "package.json"));
        if (!ready)
        {
            await File.WriteAllTextAsync(Path.Combine(s_home, "package.json"), """{"name":"mcp-raw-interop","private":true,"type":"module"}""");
            var (code, output) = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "@modelcontextprotocol/sdk@1.32.2", "@modelcontextprotocol/server@2.4.0"], TimeSpan.FromMinutes(5));
            code.Should().Be(0, "npm install of the TypeScript SDKs failed: {0}", output);
        }

        foreach (var script in new[] { "sdk1-server.mjs", "sdk2-server.mjs" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "ts", script), Path.Combine(s_home, script), overwrite: true);
        }
    }

    [TestCase("sdk1-server.mjs", McpProtocolVersion.V2025_11_25, McpProtocolVersion.V2026_07_28, "ts-sdk1")]
    [TestCase("sdk1-server.mjs", McpProtocolVersion.V2025_11_25, McpProtocolVersion.V2025_06_18, "ts-sdk1")]
    [TestCase("sdk2-server.mjs", McpProtocolVersion.V2026_07_28, McpProtocolVersion.V2026_07_28, "ts-sdk2")]
    public async Task OurClientCallsTheOfficialTypescriptServerWithNotificationsBeforeTheResult(string script, McpProtocolVersion expected, McpProtocolVersion preferred, string serverName)
    {
        await using var server = await NodeServer.StartAsync(Path.Combine(s_home, script));
        var events = new ConcurrentQueue<string>();
        var options = new McpClientOptions
        {
            ProtocolVersion = preferred,
            LogLevel = LoggingLevel.Info,
            NotificationHandler = n =>
            {
                if (n.AsLogMessage() is { } log)
                {
                    events.Enqueue("log " + log.Text);
                }

                return ValueTask.CompletedTask;
            },
        };
        await using var client = await McpClient.ConnectAsync(server.Url, options);
        client.ServerInfo!.Name.Should().Be(serverName);
        client.ProtocolVersion.Should().Be(preferred.IsModern() ? expected : preferred, "M-CL-10: the newest era both sides speak");
        var result = await client.CallToolAsync("process_files", JsonDocument.Parse("""{"items":["x","y"]}""").RootElement, n =>
        {
            events.Enqueue("progress " + n.AsProgress()!.Value.Progress);
            return ValueTask.CompletedTask;
        });
        events.Enqueue("result");
        ((TextContent)result.Content[0]).Text.Should().Be("Processed 2 items: x, y");
        events.Should().Equal("progress 1", "log Processing x (1/2)", "progress 2", "log Processing y (2/2)", "result");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = s_home, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private sealed class NodeServer : IAsyncDisposable
    {
        private readonly Process _process;

        private NodeServer(Process process, Uri url)
        {
            _process = process;
            Url = url;
        }

        public Uri Url { get; }

        public static async Task<NodeServer> StartAsync(string script)
        {
            var process = Process.Start(new ProcessStartInfo("node", [script]) { WorkingDirectory = s_home, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
            {
                process.Kill(entireProcessTree: true);
                throw new AssertionException($"{script} did not start: {line} {await process.StandardError.ReadToEndAsync()}");
            }

            return new NodeServer(process, new Uri($"http://127.0.0.1:{line["listening ".Length..]}/mcp"));
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}

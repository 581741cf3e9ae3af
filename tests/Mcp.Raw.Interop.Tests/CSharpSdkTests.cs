using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mcp.Raw.Cli.Serve;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using RawClient = Mcp.Raw.Client.McpClient;
using RawOptions = Mcp.Raw.Client.McpClientOptions;

namespace Mcp.Raw.Interop.Tests;

/// <summary>
/// Interop with the official C# SDK as a test-only peer: its client (ModelContextProtocol 2.4.0) against our server,
/// and our client against its server (ModelContextProtocol.AspNetCore 2.3.1, run as a process), in both eras.
/// </summary>
[CancelAfter(60_000)]
public sealed class CSharpSdkTests
{
    [TestCase("2025-11-25")]
    [TestCase("2025-06-18")]
    [TestCase("2026-07-28")]
    public async Task OfficialCsharpClientCallsProcessFilesOnOurServerWithProgressAndLogsBeforeTheResult(string version)
    {
        var app = ServeCommand.Build(new ServeOptions("http://127.0.0.1:0", "/mcp", "/sse", Stateless: false, Conformance: false, Quiet: true));
        await app.StartAsync();
        try
        {
            var url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/mcp");
            var events = new ConcurrentQueue<string>();
            var expected = version != "2026-07-28" ? 4 : 2;
            var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Record(string e)
            {
                events.Enqueue(e);
                if (events.Count >= expected)
                {
                    allArrived.TrySetResult();
                }
            }

            var wire = new WireRecorder();
            using var http = new HttpClient(wire);
            var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = url, TransportMode = HttpTransportMode.StreamableHttp }, http);
            var options = new McpClientOptions { ProtocolVersion = version };
            await using var client = await McpClient.CreateAsync(transport, options);
            client.NegotiatedProtocolVersion.Should().Be(version);
#pragma warning disable MCP9005 // logging is deprecated in 2026-07-28; still what 2025 clients use
            await using var logs = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (n, _) =>
            {
                Record("log " + n.Params!["data"]!.GetValue<string>());
                return ValueTask.CompletedTask;
            });
            if (version != "2026-07-28")
            {
                await client.SetLoggingLevelAsync(LoggingLevel.Info);
            }
#pragma warning restore MCP9005

            var progress = new SyncProgress(p => Record("progress " + p.Progress));
            var result = await client.CallToolAsync("process_files", new Dictionary<string, object?> { ["items"] = new[] { "a.txt", "b.txt" }, ["delay_ms"] = 50 }, progress);
            ((TextContentBlock)result.Content[0]).Text.Should().Be("Processed 2 items: a.txt, b.txt");

            // On the wire, every notification precedes the result (the C# client then dispatches notifications to
            // handlers concurrently, so handler order and timing are its own).
            var body = wire.Texts.Single(b => b.Contains("Processed 2 items", StringComparison.Ordinal));
            var resultAt = body.IndexOf("Processed 2 items", StringComparison.Ordinal);
            body.IndexOf("notifications/progress", StringComparison.Ordinal).Should().BeInRange(0, resultAt);
            if (version != "2026-07-28")
            {
                body.LastIndexOf("Processing b.txt (2/2)", StringComparison.Ordinal).Should().BeInRange(0, resultAt);
            }

            // The SDK runs notification handlers concurrently: the test waits for the last of them to have run.
            await allArrived.Task.WaitAsync(TestContext.CurrentContext.CancellationToken);

            var order = events.ToList();
            order.Where(e => e.StartsWith("progress", StringComparison.Ordinal)).Should().BeEquivalentTo("progress 1", "progress 2");
            if (version != "2026-07-28")
            {
                order.Where(e => e.StartsWith("log", StringComparison.Ordinal)).Should().BeEquivalentTo("log Processing a.txt (1/2)", "log Processing b.txt (2/2)");
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [TestCase(Protocol.Mcp.McpProtocolVersion.V2026_07_28)]
    [TestCase(Protocol.Mcp.McpProtocolVersion.V2025_11_25)]
    [TestCase(Protocol.Mcp.McpProtocolVersion.V2025_06_18)]
    public async Task OurClientCallsTheOfficialCsharpServerWithProgressAndLogsBeforeTheResult(Protocol.Mcp.McpProtocolVersion version)
    {
        await using var server = await CSharpServerProcess.StartAsync();
        var events = new ConcurrentQueue<string>();
        var options = new RawOptions
        {
            ProtocolVersion = version,
            LogLevel = Protocol.Mcp.LoggingLevel.Info,
            NotificationHandler = n =>
            {
                if (n.AsLogMessage() is { } log)
                {
                    events.Enqueue("log " + log.Text);
                }

                return ValueTask.CompletedTask;
            },
        };
        await using var client = await RawClient.ConnectAsync(server.Url, options);
        var result = await client.CallToolAsync("process_files", JsonDocument.Parse("""{"items":["x","y"]}""").RootElement, n =>
        {
            events.Enqueue("progress " + n.AsProgress()!.Value.Progress);
            return ValueTask.CompletedTask;
        });
        events.Enqueue("result");
        ((Protocol.Mcp.TextContent)result.Content[0]).Text.Should().Be("Processed 2 items: x, y");
        events.Should().Equal("progress 1", "log Processing x (1/2)", "progress 2", "log Processing y (2/2)", "result");
    }

    /// <summary>Records every response body the C# client reads (SSE included) as text.</summary>
    private sealed class WireRecorder() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && response.Content is { } content)
            {
                // A tee, not a buffer: the client reads the stream live, as it would without us.
                var recorded = new MemoryStream();
                _recordings.Add(recorded);
                var copy = new StreamContent(new TeeStream(await content.ReadAsStreamAsync(cancellationToken), recorded));
                foreach (var header in content.Headers)
                {
                    copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content = copy;
            }

            return response;
        }

        private readonly ConcurrentBag<MemoryStream> _recordings = [];

        public IEnumerable<string> Texts => _recordings.Select(r =>
        {
            lock (r)
            {
                return System.Text.Encoding.UTF8.GetString(r.ToArray());
            }
        });
    }

    private sealed class TeeStream(Stream inner, MemoryStream copy) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Record(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            return Record(buffer.Span[..n]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Record(ReadOnlySpan<byte> data)
        {
            lock (copy)
            {
                copy.Write(data);
            }

            return data.Length;
        }
    }

    /// <summary>Progress that runs its callback at once (Progress&lt;T&gt; posts to the thread pool and may run late).</summary>
    private sealed class SyncProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }

    /// <summary>The official C# server (tests/Mcp.Raw.Interop.CSharpServer) as a child process on a free loopback port.</summary>
    private sealed class CSharpServerProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private CSharpServerProcess(Process process, Uri url)
        {
            _process = process;
            Url = url;
        }

        public Uri Url { get; }

        public static async Task<CSharpServerProcess> StartAsync()
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Mcp.Raw.Interop.CSharpServer", "bin", "Release", "net10.0", "Mcp.Raw.Interop.CSharpServer.dll");
            File.Exists(dll).Should().BeTrue("the solution build produces the interop server ({0})", dll);
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var url = new Uri($"http://127.0.0.1:{port}/mcp");
            var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var response = await http.GetAsync(url);
                    return new CSharpServerProcess(process, url);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            process.Kill(entireProcessTree: true);
            throw new AssertionException("the official C# server did not start");
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}

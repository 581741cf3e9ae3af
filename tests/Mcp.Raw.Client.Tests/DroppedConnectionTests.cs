using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mcp.Raw.Cli.Serve;
using Mcp.Raw.Protocol.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Client.Tests;

/// <summary>A connection cut by the network in the middle of a response stream (a TCP proxy that drops it).</summary>
[CancelAfter(60_000)]
public sealed class DroppedConnectionTests
{
    [Test]
    public async Task AConnectionDroppedMidStreamIsResumedWithNoDuplicateAndNoLostMessage_TR40_TR41()
    {
        var app = ServeCommand.Build(new ServeOptions("http://127.0.0.1:0", "/mcp", null, Stateless: false, Conformance: false, Quiet: true), configureTransport: o => o.RetryInterval = TimeSpan.FromMilliseconds(50));
        await app.StartAsync();
        try
        {
            var upstream = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            await using var proxy = CuttingProxy.Start(upstream.Port, "Processing b.txt");
            var logs = new ConcurrentQueue<string>();
            var options = new McpClientOptions
            {
                ProtocolVersion = McpProtocolVersion.V2025_11_25,
                OpenServerStream = false,
                NotificationHandler = n =>
                {
                    if (n.AsLogMessage() is { } log)
                    {
                        logs.Enqueue(log.Text);
                    }

                    return ValueTask.CompletedTask;
                },
            };
            await using var client = await McpClient.ConnectAsync(new Uri($"http://127.0.0.1:{proxy.Port}/mcp"), options);
            var args = JsonDocument.Parse("""{"items":["a.txt","b.txt","c.txt","d.txt"],"delay_ms":100}""").RootElement;
            var result = await client.CallToolAsync("process_files", args);

            proxy.Cuts.Should().Be(1, "the proxy cut the response stream once, after the b.txt event");
            ((TextContent)result.Content[0]).Text.Should().Be("Processed 4 items: a.txt, b.txt, c.txt, d.txt");
            logs.Should().Equal("Processing a.txt (1/4)", "Processing b.txt (2/4)", "Processing c.txt (3/4)", "Processing d.txt (4/4)");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Forwards loopback TCP to the server; the first time the server's bytes contain a marker, cuts that connection.</summary>
    private sealed class CuttingProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly int _upstreamPort;
        private readonly byte[] _marker;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accept;
        private int _cuts;

        private CuttingProxy(int upstreamPort, string marker)
        {
            _upstreamPort = upstreamPort;
            _marker = Encoding.UTF8.GetBytes(marker);
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _accept = AcceptLoopAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Cuts => Volatile.Read(ref _cuts);

        public static CuttingProxy Start(int upstreamPort, string marker) => new(upstreamPort, marker);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accept;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => PumpAsync(client));
            }
        }

        private async Task PumpAsync(TcpClient client)
        {
            using (client)
            using (var server = new TcpClient())
            {
                await server.ConnectAsync(IPAddress.Loopback, _upstreamPort);
                using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = CopyAsync(client.GetStream(), server.GetStream(), watch: false, cut);
                var down = CopyAsync(server.GetStream(), client.GetStream(), watch: true, cut);
                await Task.WhenAny(up, down);
                await cut.CancelAsync();
                client.Client.Close(0);
                server.Client.Close(0);
            }
        }

        private async Task CopyAsync(NetworkStream from, NetworkStream to, bool watch, CancellationTokenSource cut)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var n = await from.ReadAsync(buffer, cut.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    await to.WriteAsync(buffer.AsMemory(0, n), cut.Token);
                    if (watch && buffer.AsSpan(0, n).IndexOf(_marker) >= 0 && Interlocked.CompareExchange(ref _cuts, 1, 0) == 0)
                    {
                        // The network drops this connection: both directions end, mid-stream.
                        await to.FlushAsync(cut.Token);
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}

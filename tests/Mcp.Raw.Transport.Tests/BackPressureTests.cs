using System.Net.Sockets;
using System.Text;

namespace Mcp.Raw.Transport.Tests;

/// <summary>A client that stops reading cannot make the server buffer without bound (README: back-pressure).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class BackPressureTests
{
    [Test]
    public async Task StalledClient_StallsTheProducer_ThenClosingCancels_MTR20()
    {
        await using var server = await TestServer.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"flood\",\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
        var head = "POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: flood\r\nContent-Length: " + body.Length + "\r\n\r\n";
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray());

        // The client never reads. Whatever the kernel's socket buffers absorb, the producer must stop far short of
        // the 32 MB it wants to send.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var first = server.Handler.FloodSent;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var second = server.Handler.FloodSent;
        second.Should().BeLessThan(2000, "the tool is held back by the stalled client");
        (second - first).Should().BeLessThan(20, "no progress while nobody reads");
        server.Handler.FloodEnded.Task.IsCompleted.Should().BeFalse();

        // Closing the stream: the next send reports that nothing was delivered, and the request is cancelled
        // (2026-07-28, M-TR-20); nothing more is buffered for it.
        socket.Close();
        await server.Handler.FloodEnded.Task.WaitAsync(TimeSpan.FromSeconds(20));
        server.Handler.FloodSent.Should().BeLessThan(2000, "a refused send or the cancellation stops the producer");
        server.Handler.FloodRefused.Should().BeLessThanOrEqualTo(1);
        await server.Handler.FloodCancellationChecked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        server.Handler.FloodSawCancellation.Should().BeTrue("closing the stream cancels the request");
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mcp.Raw.Transport.Tests;

/// <summary>Origin and Host validation (SEC-01..SEC-03, M-TR-27), with a raw socket where HttpClient would fix the input.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SecurityTests
{
    private TestServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await TestServer.StartAsync(o => o.AllowedOrigins.Add("https://app.example"));

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    private const string Discover = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";

    private static HttpRequestMessage Request(string? origin)
    {
        var request = TestServer.Post(Discover, version: "2026-07-28");
        request.Headers.Add("Mcp-Method", "server/discover");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    [TestCase("https://evil.example")]
    [TestCase("null")]
    [TestCase("http://localhost.evil.example")]
    public async Task ForeignOrigin_Is403_SEC01_SEC02(string origin)
    {
        using var response = await _server.Client.SendAsync(Request(origin));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Origin");
    }

    [TestCase(null)]
    [TestCase("http://localhost:3000")]
    [TestCase("http://127.0.0.1:8080")]
    [TestCase("http://[::1]")]
    [TestCase("https://app.example")]
    public async Task NoOriginOrAllowedOrigin_Passes_SEC03(string? origin)
    {
        using var response = await _server.Client.SendAsync(Request(origin));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task OriginCheckedOnEveryMethod_SEC01()
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, "/mcp");
            request.Headers.Add("Origin", "https://evil.example");
            request.Headers.Add("Accept", "text/event-stream");
            (await _server.Client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.Forbidden, method.Method);
        }

        using var sse = new HttpRequestMessage(HttpMethod.Get, "/sse");
        sse.Headers.Add("Origin", "https://evil.example");
        sse.Headers.Add("Accept", "text/event-stream");
        (await _server.Client.SendAsync(sse)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the legacy endpoints too (TR-72)");
    }

    [TestCase("evil.example", 403)]
    [TestCase("evil.example:80", 403)]
    [TestCase("localhost", 200)]
    [TestCase("localhost:1234", 200)]
    [TestCase("127.0.0.1", 200)]
    [TestCase("[::1]:9", 200)]
    public async Task Host_OnLoopbackListener_DnsRebinding_SEC03(string host, int status)
    {
        var response = await RawPostAsync(host, Discover);
        response.Should().StartWith("HTTP/1.1 " + status);
    }

    [Test]
    public async Task Host_AllowList_IsConfigurable()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowedHosts.Add("mcp.example"));
        var response = await RawPostAsync("mcp.example", Discover, server);
        response.Should().StartWith("HTTP/1.1 200");
    }

    [Test]
    public async Task RawNonAsciiHeader_IsRefused_Never500_EdgeCase8()
    {
        var body = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"h\u00e9\",\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
        var head = "POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: h";
        var bytes = Encoding.ASCII.GetBytes(head).Concat(new byte[] { 0xC3, 0xA9 }).Concat(Encoding.ASCII.GetBytes("\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n")).Concat(body).ToArray();
        var response = await RawAsync(bytes, _server);
        response.Should().StartWith("HTTP/1.1 400");
    }

    private Task<string> RawPostAsync(string host, string json, TestServer? server = null)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var head = "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: server/discover\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n";
        return RawAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), server ?? _server);
    }

    private static async Task<string> RawAsync(byte[] request, TestServer server)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        await socket.SendAsync(request);
        var buffer = new byte[8192];
        var total = new MemoryStream();
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
        {
            total.Write(buffer, 0, n);
        }

        return Encoding.UTF8.GetString(total.ToArray());
    }
}

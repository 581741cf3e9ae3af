using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Mcp.Raw.LoadHost;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Benchmarks;

/// <summary>
/// One tools/call end to end through in-process Kestrel on loopback, against raw Kestrel writing the same bytes in
/// the same process (the ceiling). Client costs are included on both sides alike.
/// </summary>
[BenchmarkCategory("EndToEnd")]
public class PostToolCallEndToEndBenchmarks
{
    private const string Text = "The quick brown fox jumps over the lazy dog, 51 ch.";
    private const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"b\",\"version\":\"1\"},\"io.modelcontextprotocol/clientCapabilities\":{}";
    private static readonly byte[] s_echo = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"" + Text + "\"}}}");
    private static readonly byte[] s_progress = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"progress\",\"arguments\":{\"steps\":10},\"_meta\":{\"progressToken\":1}}}");
    private static readonly byte[] s_modern = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"" + Text + "\"}," + Meta + "}}}");

    private static readonly byte[] s_modernProgress = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"progress\",\"arguments\":{\"steps\":10}," + Meta + ",\"progressToken\":1,\"io.modelcontextprotocol/logLevel\":\"info\"}}}");

    private WebApplication _server = null!;
    private HttpClient _serverClient = null!;
    private WebApplication _serverStateful = null!;
    private HttpClient _serverStatefulClient = null!;
    private string _serverSession = string.Empty;
    private WebApplication _stateless = null!;
    private WebApplication _stateful = null!;
    private HttpClient _statelessClient = null!;
    private HttpClient _statefulClient = null!;
    private string _session = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        (_stateless, _statelessClient) = await StartAsync(stateless: true);
        (_stateful, _statefulClient) = await StartAsync(stateless: false);
        (_server, _serverClient) = await StartAsync(stateless: true, serverLayer: true);
        (_serverStateful, _serverStatefulClient) = await StartAsync(stateless: false, serverLayer: true);
        _serverSession = await InitializeAsync(_serverStatefulClient, "2025-11-25");
        using var init = Post(_statefulClient, Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"b\",\"version\":\"1\"}}}"), "2025-06-18");
        using var response = await _statefulClient.SendAsync(init);
        _session = response.Headers.GetValues("Mcp-Session-Id").Single();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _statelessClient.Dispose();
        _serverClient.Dispose();
        await _server.DisposeAsync();
        _serverStatefulClient.Dispose();
        await _serverStateful.DisposeAsync();
        _statefulClient.Dispose();
        await _stateless.DisposeAsync();
        await _stateful.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw Kestrel, same JSON bytes")]
    public Task<int> RawJson() => SendAsync(_statelessClient, Post(_statelessClient, s_echo, "2025-06-18", "/raw"));

    [Benchmark(Description = "stateless tools/call, JSON")]
    public Task<int> StatelessJson() => SendAsync(_statelessClient, Post(_statelessClient, s_echo, "2025-06-18"));

    [Benchmark(Description = "stateful tools/call (session), JSON")]
    public Task<int> StatefulJson()
    {
        var request = Post(_statefulClient, s_echo, "2025-06-18");
        request.Headers.Add("Mcp-Session-Id", _session);
        return SendAsync(_statefulClient, request);
    }

    [Benchmark(Description = "2026-07-28 tools/call with header validation, JSON")]
    public Task<int> ModernJson()
    {
        var request = Post(_statelessClient, s_modern, "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "echo");
        return SendAsync(_statelessClient, request);
    }

    [Benchmark(Description = "raw Kestrel, same SSE bytes (10 progress + 10 log + result)")]
    public Task<int> RawSse() => SendAsync(_statelessClient, Post(_statelessClient, s_progress, "2025-06-18", "/raw?sse"));

    [Benchmark(Description = "stateless tools/call, SSE with 10 progress + 10 log notifications")]
    public Task<int> StatelessSse() => SendAsync(_statelessClient, Post(_statelessClient, s_progress, "2025-06-18"));

    [Benchmark(Description = "server layer (McpServer, typed echo tool): stateless tools/call, JSON")]
    public Task<int> ServerJson() => SendAsync(_serverClient, Post(_serverClient, s_echo, "2025-06-18"));

    [Benchmark(Description = "server layer: 2026-07-28 tools/call, JSON")]
    public Task<int> ServerModernJson()
    {
        var request = Post(_serverClient, s_modern, "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "echo");
        return SendAsync(_serverClient, request);
    }

    [Benchmark(Description = "server layer: stateless tools/call, SSE with 10 progress + 10 log notifications")]
    public Task<int> ServerSse() => SendAsync(_serverClient, Post(_serverClient, s_progress, "2025-06-18"));

    [Benchmark(Description = "server layer: 2026-07-28 tools/call, SSE with 10 progress + 10 log notifications (W6b)")]
    public Task<int> ServerModernSse()
    {
        var request = Post(_serverClient, s_modernProgress, "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "progress");
        return SendAsync(_serverClient, request);
    }

    [Benchmark(Description = "server layer: 2025-11-25 session, resumable SSE (event ids, event store) with 10 progress + 10 log (W7)")]
    public Task<int> ServerSessionResumableSse()
    {
        var request = Post(_serverStatefulClient, s_progress, "2025-11-25");
        request.Headers.Add("Mcp-Session-Id", _serverSession);
        return SendAsync(_serverStatefulClient, request);
    }

    private static async Task<string> InitializeAsync(HttpClient client, string version)
    {
        using var init = Post(client, Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"b\",\"version\":\"1\"}}}"), version);
        using var response = await client.SendAsync(init);
        var session = response.Headers.GetValues("Mcp-Session-Id").Single();
        using var initialized = Post(client, Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), version);
        initialized.Headers.Add("Mcp-Session-Id", session);
        using var accepted = await client.SendAsync(initialized);
        return session;
    }

    private static async Task<int> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var body = await response.Content.ReadAsByteArrayAsync();
            return body.Length;
        }
    }

    private static HttpRequestMessage Post(HttpClient client, byte[] body, string version, string path = "/mcp")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", version);
        return request;
    }

    private static async Task<(WebApplication, HttpClient)> StartAsync(bool stateless, bool serverLayer = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (serverLayer)
        {
            ServerTools.Register(builder.Services.AddMcpRawServer(configureTransport: o => o.Stateless = stateless));
        }
        else
        {
            builder.Services.AddMcpRawTransport(o => o.Stateless = stateless);
            builder.Services.AddSingleton<IMcpMessageHandler, LoadHandler>();
        }
        var app = builder.Build();
        app.MapMcpRaw("/mcp");
        app.MapPost("/raw", RawResponses.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri(address) };
        return (app, client);
    }
}

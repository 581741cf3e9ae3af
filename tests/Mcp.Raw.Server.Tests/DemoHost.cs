using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mcp.Raw.Cli.Serve;
using Mcp.Raw.Protocol.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Server.Tests;

/// <summary>The demo server (mcp-raw serve --conformance) on real Kestrel, 127.0.0.1 port 0, and a real HttpClient.</summary>
internal sealed class DemoHost : IAsyncDisposable
{
    public const string Modern = "2026-07-28";
    private readonly WebApplication _app;
    private int _nextId = 100;

    private DemoHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = TestHttp.CreateClient(baseAddress);
    }

    public HttpClient Client { get; }

    public McpServer Server => _app.Services.GetRequiredService<McpServer>();

    public DemoStats Stats => _app.Services.GetRequiredService<DemoStats>();

    public IServiceProvider Services => _app.Services;

    public static async Task<DemoHost> StartAsync(bool stateless = false, Action<McpServerOptions>? configure = null, Action<IServiceCollection>? services = null, ServeSecurity? security = null, bool tasks = false)
    {
        var app = ServeCommand.Build(new ServeOptions("http://127.0.0.1:0", "/mcp", "/sse", stateless, Conformance: true, Quiet: true) { Security = security ?? new ServeSecurity(), Tasks = tasks }, configure, configureServices: services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DemoHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public int NextId() => Interlocked.Increment(ref _nextId);

    public static HttpRequestMessage Post(string json, string? sessionId = null, string? version = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        if (version is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", version);
        }

        return request;
    }

    /// <summary>initialize + notifications/initialized; returns the session id.</summary>
    public async Task<string> InitializeAsync(string capabilities = "{}", string version = "2025-11-25")
    {
        var messages = await SendAsync(Post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version + "\",\"capabilities\":" + capabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"), HttpStatusCode.OK);
        var session = messages.SessionId!;
        using var initialized = await Client.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", session, version));
        initialized.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return session;
    }

    /// <summary>A 2025 request in a session; returns every message of the answer (JSON or SSE), in order.</summary>
    public Task<Reply> RequestAsync(string session, string method, string? @params = null, string version = "2025-11-25", HttpStatusCode status = HttpStatusCode.OK)
    {
        var id = NextId();
        var body = $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}"{{(@params is null ? string.Empty : ",\"params\":" + @params)}}}""";
        return SendAsync(Post(body, session, version), status);
    }

    /// <summary>A 2026-07-28 request: _meta envelope and the standard headers.</summary>
    public Task<Reply> ModernAsync(string method, string? @params = null, string capabilities = "{}", string? logLevel = null, HttpStatusCode status = HttpStatusCode.OK, string? name = null, object? id = null)
    {
        var p = @params is null ? new JsonObject() : JsonNode.Parse(@params)!.AsObject();
        var meta = p["_meta"] as JsonObject ?? new JsonObject();
        meta.Remove("io.modelcontextprotocol/protocolVersion");
        meta["io.modelcontextprotocol/protocolVersion"] = Modern;
        meta["io.modelcontextprotocol/clientInfo"] ??= JsonNode.Parse("""{"name":"t","version":"1"}""");
        meta["io.modelcontextprotocol/clientCapabilities"] ??= JsonNode.Parse(capabilities);
        if (logLevel is not null)
        {
            meta["io.modelcontextprotocol/logLevel"] = logLevel;
        }

        p["_meta"] = meta;
        var rpcId = id is string s ? JsonValue.Create(s) : JsonValue.Create(id as int? ?? NextId());
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = rpcId, ["method"] = method, ["params"] = p }.ToJsonString();
        var request = Post(body, version: Modern);
        request.Headers.Add("Mcp-Method", method);
        var target = name ?? (p["name"] ?? p["uri"])?.GetValue<string>();
        if (target is not null)
        {
            request.Headers.Add("Mcp-Name", target);
        }

        return SendAsync(request, status);
    }

    public async Task<Reply> SendAsync(HttpRequestMessage request, HttpStatusCode status)
    {
        using (request)
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reply = await Reply.ReadAsync(response);
            response.StatusCode.Should().Be(status, "the body was {0}", reply.Raw);
            return reply;
        }
    }
}

/// <summary>The messages of one HTTP answer, in arrival order.</summary>
internal sealed class Reply
{
    public required HttpStatusCode Status { get; init; }

    public required string? ContentType { get; init; }

    public required string? SessionId { get; init; }

    public required List<JsonNode> Messages { get; init; }

    public required string Raw { get; init; }

    public bool IsSse => ContentType == "text/event-stream";

    /// <summary>The response (the message with result or error).</summary>
    public JsonNode Response => Messages.Single(m => m["result"] is not null || m["error"] is not null);

    public JsonNode Result => Response["result"] ?? throw new AssertionException("expected a result, got " + Response.ToJsonString());

    public JsonNode Error => Response["error"] ?? throw new AssertionException("expected an error, got " + Response.ToJsonString());

    public List<JsonNode> Notifications(string method) => [.. Messages.Where(m => (string?)m["method"] == method)];

    public int IndexOfResponse => Messages.FindIndex(m => m["result"] is not null || m["error"] is not null);

    public static async Task<Reply> ReadAsync(HttpResponseMessage response)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var session = response.Headers.TryGetValues("Mcp-Session-Id", out var values) ? values.First() : null;
        var raw = await response.Content.ReadAsStringAsync();
        var messages = new List<JsonNode>();
        if (contentType == "text/event-stream")
        {
            using var parser = new SseParser();
            var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(raw));
            while (parser.TryReadEvent(ref buffer, out var e))
            {
                if (e.Data.Length > 0)
                {
                    messages.Add(JsonNode.Parse(e.Data.Span)!);
                }
            }
        }
        else if (raw.Length > 0 && contentType == "application/json")
        {
            messages.Add(JsonNode.Parse(raw)!);
        }

        return new Reply { Status = response.StatusCode, ContentType = contentType, SessionId = session, Messages = messages, Raw = raw };
    }

    public static string Text(JsonNode result) => (string)result["content"]![0]!["text"]!;
}

using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mcp.Raw.Protocol.Sse;
using Mcp.Raw.Transport.Handling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Transport.Tests;

/// <summary>Real Kestrel on 127.0.0.1, port 0, with the transport and the test handler; a real HttpClient.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri baseAddress, TestHandler handler)
    {
        _app = app;
        BaseAddress = baseAddress;
        Handler = handler;
        Client = TestHttp.CreateClient(baseAddress);
    }

    public Uri BaseAddress { get; }

    public TestHandler Handler { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<TestServer> StartAsync(Action<StreamableHttpOptions>? configure = null) => StartAsync(configure, null, null);

    /// <summary>
    /// Starts the server with more services (authentication, CORS), middleware before the endpoints, and conventions
    /// on the mapping (or mappings of its own).
    /// </summary>
    public static async Task<TestServer> StartAsync(
        Action<StreamableHttpOptions>? configure,
        Action<IServiceCollection>? services,
        Action<WebApplication>? map,
        Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        var handler = new TestHandler();
        builder.Services.AddMcpRawTransport(o =>
        {
            o.RetryInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        });
        builder.Services.AddSingleton<IMcpMessageHandler>(handler);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        if (map is null)
        {
            app.MapMcpRaw("/mcp");
        }
        else
        {
            map(app);
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, new Uri(address), handler);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static HttpRequestMessage Post(string json, string? sessionId = null, string? version = null, string accept = "application/json, text/event-stream")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", accept);
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

    /// <summary>Initializes a 2025 session and returns its id.</summary>
    public async Task<string> InitializeAsync(string version = "2025-11-25", string capabilities = "{}")
    {
        using var response = await Client.SendAsync(Post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version + "\",\"capabilities\":" + capabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var id = response.Headers.GetValues("Mcp-Session-Id").Single();
        using var initialized = await Client.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", id, version));
        initialized.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return id;
    }

    /// <summary>Reads SSE events until the stream ends or <paramref name="until"/> says stop.</summary>
    public static async Task<List<(string? Id, string Type, string Data)>> ReadEventsAsync(HttpResponseMessage response, Func<(string? Id, string Type, string Data), bool>? until = null, CancellationToken cancellationToken = default)
    {
        var reader = new EventReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        return await reader.ReadAsync(until, cancellationToken);
    }
}

/// <summary>Reads SSE events from one response across several calls.</summary>
internal sealed class EventReader(Stream stream) : IDisposable
{
    private readonly SseParser _parser = new();
    private byte[] _pending = [];

    public async Task<List<(string? Id, string Type, string Data)>> ReadAsync(Func<(string? Id, string Type, string Data), bool>? until = null, CancellationToken cancellationToken = default)
    {
        var events = new List<(string?, string, string)>();
        var chunk = new byte[4096];
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_pending);
            while (_parser.TryReadEvent(ref buffer, out var e))
            {
                var item = (e.LastEventId, e.EventType, Encoding.UTF8.GetString(e.Data.Span));
                events.Add(item);
                if (until?.Invoke(item) == true)
                {
                    _pending = buffer.ToArray();
                    return events;
                }
            }

            _pending = buffer.ToArray();
            int n;
            try
            {
                n = await stream.ReadAsync(chunk, cancellationToken);
            }
            catch (IOException)
            {
                return events;
            }

            if (n == 0)
            {
                return events;
            }

            _pending = [.. _pending, .. chunk.AsSpan(0, n)];
        }
    }

    public void Dispose()
    {
        _parser.Dispose();
        stream.Dispose();
    }
}

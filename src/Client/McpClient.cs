using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Client;

/// <summary>How the client reaches the server.</summary>
public enum McpClientTransport
{
    /// <summary>Streamable HTTP (2025-03-26 and later, 2026-07-28).</summary>
    StreamableHttp,

    /// <summary>The deprecated 2024-11-05 HTTP+SSE transport.</summary>
    HttpSse2024,

    /// <summary>stdio: a child process.</summary>
    Stdio,
}

/// <summary>
/// A dual-era MCP client: connects to any server (2026-07-28, 2025 sessions, 2024-11-05 HTTP+SSE, stdio), lists and
/// calls tools, reads resources, gets prompts, completes, pings; hands every notification to a handler the moment it
/// arrives; answers the server's requests for input (as JSON-RPC responses in 2025 sessions, as MRTR rounds in
/// 2026-07-28).
/// </summary>
public sealed partial class McpClient : IAsyncDisposable
{
    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement;
    private readonly McpClientOptions _options;
    private readonly HttpClient? _http;
    private readonly bool _ownsHttp;
    private readonly Uri? _url;
    private readonly RequestIdGenerator _ids = new(1);
    private readonly ConcurrentDictionary<RequestId, Func<McpNotification, ValueTask>> _progress = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<ToolHeaderAnnotation>> _toolHeaders = new(StringComparer.Ordinal);
    private readonly JsonRpcWriter _writer = new();
    private readonly Lock _writerLock = new();
    private ClientConnection _connection = null!;
    private long _listenIds = 1000;

    private McpClient(McpClientOptions options, HttpClient? http, bool ownsHttp, Uri? url)
    {
        _options = options;
        _http = http;
        _ownsHttp = ownsHttp;
        _url = url;
    }

    /// <summary>The protocol version in use.</summary>
    public McpProtocolVersion ProtocolVersion { get; private set; }

    /// <summary>How the server is reached.</summary>
    public McpClientTransport Transport { get; private set; }

    /// <summary>True when requests use the 2026-07-28 envelope (no session).</summary>
    public bool IsModern => ProtocolVersion.IsModern();

    /// <summary>The server's name and version.</summary>
    public Implementation? ServerInfo { get; private set; }

    /// <summary>The server's declared capabilities.</summary>
    public ServerCapabilities? ServerCapabilities { get; private set; }

    /// <summary>The server's instructions, if any.</summary>
    public string? Instructions { get; private set; }

    /// <summary>The 2025 session id (null in 2026-07-28, stdio and 2024-11-05).</summary>
    public string? SessionId => (_connection as StreamableHttpConnection)?.SessionId;

    /// <summary>The capabilities this client declares: what its handlers can answer (M-CL-12).</summary>
    public ClientCapabilities Capabilities => new()
    {
        Elicitation = _options.ElicitationHandler is null ? null : s_emptyObject,
        Sampling = _options.SamplingHandler is null ? null : s_emptyObject,
        Roots = _options.RootsHandler is null ? null : new CapabilityOptions(),

        // Extensions exist from 2026-07-28 on (T-05): a 2025 initialize declares none.
        Extensions = _options.EnableTasks && IsModern ? new Dictionary<string, JsonElement> { [TasksExtension] = s_emptyObject } : null,
    };

    /// <summary>Connects to an MCP endpoint over HTTP, finding its era (M-CL-10).</summary>
    public static async Task<McpClient> ConnectAsync(Uri url, McpClientOptions? options = null, HttpClient? httpClient = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        options ??= new McpClientOptions();

        // Our own HttpClient follows redirects without carrying credentials to another origin; a given one keeps its policy.
        // With OAuth, the token handler sits in front of either.
        HttpClient http;
        if (options.OAuth is { } oauth)
        {
            var session = new OAuthSession(oauth, url);
            HttpMessageHandler inner = httpClient is null ? new SameOriginRedirectHandler(options.Headers.Keys) : new HttpClientForwarder(httpClient);
            http = new HttpClient(new OAuthHandler(session, inner)) { Timeout = Timeout.InfiniteTimeSpan };
        }
        else
        {
            http = httpClient ?? new HttpClient(new SameOriginRedirectHandler(options.Headers.Keys)) { Timeout = Timeout.InfiniteTimeSpan };
        }

        var client = new McpClient(options, http, !ReferenceEquals(http, httpClient), url);
        try
        {
            await client.ConnectHttpAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts <paramref name="command"/> and talks to it over stdio.</summary>
    public static async Task<McpClient> ConnectStdioAsync(string command, IEnumerable<string> arguments, McpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var client = new McpClient(options ?? new McpClientOptions(), null, false, null);
        client._connection = StdioConnection.Start(command, arguments ?? [], client._options.MaxMessageBytes, client.OnIncomingAsync);
        client.Transport = McpClientTransport.Stdio;
        try
        {
            var preferred = client._options.ProtocolVersion;
            if (preferred.IsModern() && await client.TryDiscoverAsync(cancellationToken).ConfigureAwait(false))
            {
                return client;
            }

            await client.InitializeAsync(preferred.IsModern() ? McpProtocolVersions.LatestSessions2025 : preferred, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsHttp)
        {
            _http?.Dispose();
        }

        _writer.Dispose();
    }

    // ------------------------------------------------------------------ the API

    /// <summary>Every tool, all pages (UT-26); tools with invalid x-mcp-header annotations are left out with a warning (M-CL-04).</summary>
    public async Task<IReadOnlyList<Tool>> ListToolsAsync(CancellationToken cancellationToken = default)
    {
        var tools = new List<Tool>();
        await foreach (var page in PagesAsync("tools/list", McpJsonContext.Default.ListToolsResult, cancellationToken).ConfigureAwait(false))
        {
            foreach (var tool in page.Tools)
            {
                if (!ToolHeaderAnnotations.TryGetAnnotations(tool.InputSchema, out var headers, out var error))
                {
                    if (Transport != McpClientTransport.Stdio)
                    {
                        _options.Warning?.Invoke($"Tool '{tool.Name}' left out: invalid x-mcp-header annotation ({error}).");
                        _toolHeaders.TryRemove(tool.Name, out _);
                        continue;
                    }

                    headers = [];
                }

                _toolHeaders[tool.Name] = headers;
                tools.Add(tool);
            }
        }

        return tools;
    }

    /// <summary>
    /// Calls a tool. <paramref name="onProgress"/> sees this call's progress notifications as they arrive (UT-01);
    /// every notification also reaches <see cref="McpClientOptions.NotificationHandler"/>.
    /// </summary>
    public async Task<CallToolResult> CallToolAsync(string name, JsonElement? arguments = null, Func<McpNotification, ValueTask>? onProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsModern && Transport == McpClientTransport.StreamableHttp && !_toolHeaders.ContainsKey(name))
        {
            // The x-mcp-header annotations come from tools/list (M-CL-02).
            await ListToolsAsync(cancellationToken).ConfigureAwait(false);
        }

        var p = new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement(name, McpJsonContext.Default.String) };
        if (arguments is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } args)
        {
            p["arguments"] = args;
        }

        var result = await RequestWithInputAsync("tools/call", p, name, onProgress, cancellationToken).ConfigureAwait(false);
        return Read(result, McpJsonContext.Default.CallToolResult);
    }

    /// <summary>Every resource, all pages.</summary>
    public async Task<IReadOnlyList<Resource>> ListResourcesAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<Resource>();
        await foreach (var page in PagesAsync("resources/list", McpJsonContext.Default.ListResourcesResult, cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(page.Resources);
        }

        return all;
    }

    /// <summary>Every resource template, all pages.</summary>
    public async Task<IReadOnlyList<ResourceTemplate>> ListResourceTemplatesAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<ResourceTemplate>();
        await foreach (var page in PagesAsync("resources/templates/list", McpJsonContext.Default.ListResourceTemplatesResult, cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(page.ResourceTemplates);
        }

        return all;
    }

    /// <summary>Reads a resource.</summary>
    public async Task<ReadResourceResult> ReadResourceAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var p = new Dictionary<string, JsonElement> { ["uri"] = JsonSerializer.SerializeToElement(uri, McpJsonContext.Default.String) };
        return Read(await RequestWithInputAsync("resources/read", p, uri, null, cancellationToken).ConfigureAwait(false), McpJsonContext.Default.ReadResourceResult);
    }

    /// <summary>Every prompt, all pages.</summary>
    public async Task<IReadOnlyList<Prompt>> ListPromptsAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<Prompt>();
        await foreach (var page in PagesAsync("prompts/list", McpJsonContext.Default.ListPromptsResult, cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(page.Prompts);
        }

        return all;
    }

    /// <summary>Gets a prompt.</summary>
    public async Task<GetPromptResult> GetPromptAsync(string name, IReadOnlyDictionary<string, string>? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var p = new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement(name, McpJsonContext.Default.String) };
        if (arguments is not null)
        {
            p["arguments"] = JsonSerializer.SerializeToElement(arguments.ToDictionary(a => a.Key, a => JsonSerializer.SerializeToElement(a.Value, McpJsonContext.Default.String)), McpJsonContext.Default.IDictionaryStringJsonElement);
        }

        return Read(await RequestWithInputAsync("prompts/get", p, name, null, cancellationToken).ConfigureAwait(false), McpJsonContext.Default.GetPromptResult);
    }

    /// <summary>Completes an argument (UT-23).</summary>
    public async Task<CompleteResult> CompleteAsync(CompletionReference reference, string argumentName, string value, CancellationToken cancellationToken = default)
    {
        var request = new CompleteRequestParams { Ref = reference, Argument = new CompletionArgument { Name = argumentName, Value = value } };
        var p = ToDictionary(JsonSerializer.SerializeToElement(request, McpJsonContext.Default.CompleteRequestParams));
        return Read(await RequestAsync("completion/complete", p, null, null, cancellationToken).ConfigureAwait(false), McpJsonContext.Default.CompleteResult);
    }

    /// <summary>Pings the server (2025 eras; LC-15).</summary>
    public Task PingAsync(CancellationToken cancellationToken = default) => RequestAsync("ping", null, null, null, cancellationToken);

    /// <summary>Sets the session's log level (2025 eras; UT-18).</summary>
    public Task SetLoggingLevelAsync(LoggingLevel level, CancellationToken cancellationToken = default) =>
        RequestAsync("logging/setLevel", new Dictionary<string, JsonElement> { ["level"] = JsonSerializer.SerializeToElement(level.ToWireName(), McpJsonContext.Default.String) }, null, null, cancellationToken);

    /// <summary>
    /// 2026-07-28 <c>subscriptions/listen</c>: runs until <paramref name="cancellationToken"/> fires (closing the stream
    /// ends the subscription, M-SB-09) or the server ends it; notifications go to the notification handler.
    /// Returns the honoured filter from the acknowledgement when the server ends gracefully.
    /// </summary>
    public async Task ListenAsync(SubscriptionFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (!IsModern)
        {
            throw new InvalidOperationException("subscriptions/listen exists only in 2026-07-28; 2025 sessions get list changes on the GET stream.");
        }

        // M-CL-14: never id 0 for a listen request.
        var p = new Dictionary<string, JsonElement> { ["notifications"] = JsonSerializer.SerializeToElement(filter, McpJsonContext.Default.SubscriptionFilter) };
        await RequestAsync("subscriptions/listen", p, null, null, cancellationToken, new RequestId(Interlocked.Increment(ref _listenIds)), Timeout.InfiniteTimeSpan).ConfigureAwait(false);
    }

    /// <summary>Sends any request and returns its raw result.</summary>
    public Task<JsonElement> SendRequestAsync(string method, JsonElement? @params, CancellationToken cancellationToken = default) =>
        RequestAsync(method, @params is { ValueKind: JsonValueKind.Object } p ? ToDictionary(p) : null, null, null, cancellationToken);

    // ------------------------------------------------------------------ typed helpers

    private static T Read<T>(JsonElement result, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return result.Deserialize(typeInfo) ?? throw new McpClientException($"The server's result is not a valid {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new McpClientException($"The server's result is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static Dictionary<string, JsonElement> ToDictionary(JsonElement obj) => obj.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    private async IAsyncEnumerable<T> PagesAsync<T>(string method, JsonTypeInfo<T> typeInfo, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        for (var page = 0; page < 10_000; page++)
        {
            var p = cursor is null ? null : new Dictionary<string, JsonElement> { ["cursor"] = JsonSerializer.SerializeToElement(cursor, McpJsonContext.Default.String) };
            var result = await RequestAsync(method, p, null, null, cancellationToken).ConfigureAwait(false);
            yield return Read(result, typeInfo);

            // UT-27: the cursor is opaque; no nextCursor means the last page.
            cursor = result.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (cursor is null)
            {
                yield break;
            }
        }
    }
}

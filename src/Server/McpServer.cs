using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Server;

/// <summary>
/// The MCP server: tools, resources, prompts, completion, logging and subscriptions over every protocol era, on the
/// transport's <see cref="IMcpMessageHandler"/> seam. One dispatcher serves 2025 sessions and 2026-07-28 requests.
/// </summary>
public sealed partial class McpServer : IMcpMessageHandler, IDisposable
{
    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement;

    private readonly McpServerOptions _options;
    private readonly ILogger<McpServer> _logger;
    private readonly RequestStateProtector _stateProtector;
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Listener, byte> _listeners = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenRegistration _stoppingRegistration;
    private readonly JsonElement _serverInfoMeta;

    /// <summary>Creates the server (normally through <c>AddMcpRawServer</c>).</summary>
    public McpServer(IOptions<McpServerOptions> options, ILogger<McpServer> logger, IHostApplicationLifetime? lifetime = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _stateProtector = new RequestStateProtector(_options.RequestStateKey, timeProvider ?? TimeProvider.System);
        _serverInfoMeta = JsonSerializer.SerializeToElement(
            new Dictionary<string, JsonElement> { [MetaKeys.ServerInfo] = JsonSerializer.SerializeToElement(_options.ServerInfo, McpJsonContext.Default.Implementation) },
            McpJsonContext.Default.IDictionaryStringJsonElement);
        if (lifetime is not null)
        {
            _stoppingRegistration = lifetime.ApplicationStopping.Register(static s => ((McpServer)s!).Stop(), this);
        }

        Tools.Changed += (_, _) => OnListChanged(ChangeKind.Tools);
        Prompts.Changed += (_, _) => OnListChanged(ChangeKind.Prompts);
        Resources.Changed += (_, _) => OnListChanged(ChangeKind.Resources);
        ResourceTemplates.Changed += (_, _) => OnListChanged(ChangeKind.Resources);
    }

    /// <summary>The tools (SV-01..SV-13).</summary>
    public McpPrimitiveCollection<McpServerTool> Tools { get; } = new(static t => t.Name);

    /// <summary>The direct resources (SV-14..SV-22).</summary>
    public McpPrimitiveCollection<McpServerResource> Resources { get; } = new(static r => r.Definition.Uri);

    /// <summary>The resource templates (SV-17).</summary>
    public McpPrimitiveCollection<McpServerResourceTemplate> ResourceTemplates { get; } = new(static r => r.Definition.UriTemplate);

    /// <summary>The prompts (SV-23..SV-27).</summary>
    public McpPrimitiveCollection<McpServerPrompt> Prompts { get; } = new(static p => p.Name);

    /// <summary>The options in effect.</summary>
    public McpServerOptions Options => _options;

    /// <summary>Number of 2025 sessions this server knows.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>The capabilities this server declares: what is registered, and logging (LC-12, M-RQ-10).</summary>
    public ServerCapabilities GetCapabilities()
    {
        var listChanged = _options.AnnounceListChanges ? true : (bool?)null;
        return new ServerCapabilities
        {
            Tools = Tools.Count > 0 ? new CapabilityOptions { ListChanged = listChanged } : null,
            Prompts = Prompts.Count > 0 ? new CapabilityOptions { ListChanged = listChanged } : null,
            Resources = Resources.Count + ResourceTemplates.Count > 0 ? new CapabilityOptions { Subscribe = true, ListChanged = listChanged } : null,
            Logging = s_emptyObject,
            Completions = Prompts.Count + ResourceTemplates.Count > 0 ? s_emptyObject : null,
        };
    }

    /// <inheritdoc/>
    public IReadOnlyList<ToolHeaderAnnotation>? GetToolHeaderAnnotations(string toolName) =>
        Tools.TryGet(toolName, out var tool) ? tool.HeaderAnnotations : null;

    /// <inheritdoc/>
    public ValueTask HandleNotificationAsync(McpNotificationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Message.MethodName == McpMethods.NotificationsRootsListChanged)
        {
            LogRootsChanged(_logger, context.Session?.Tag);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task HandleRequestAsync(McpRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            if (context.IsModern && !CheckModernLogLevel(context))
            {
                await context.RespondErrorAsync(JsonRpcErrorCode.InvalidParams, "Invalid params: _meta[\"io.modelcontextprotocol/logLevel\"] is not a logging level (debug, info, notice, warning, error, critical, alert, emergency).").ConfigureAwait(false);
                return;
            }

            switch (context.Message.Method)
            {
                case McpMethod.Initialize when !context.IsModern:
                    await InitializeAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.Ping when !context.IsModern:
                    await context.RespondAsync(s_emptyObject, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
                    break;
                case McpMethod.LoggingSetLevel when !context.IsModern:
                    await SetLevelAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.ServerDiscover when context.IsModern:
                    await DiscoverAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.ToolsList when Tools.Count > 0:
                    await ListToolsAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.ToolsCall when Tools.Count > 0:
                    await CallToolAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.ResourcesList when HasResources:
                    await ListResourcesAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.ResourcesTemplatesList when HasResources:
                    await ListResourceTemplatesAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.ResourcesRead when HasResources:
                    await ReadResourceAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.ResourcesSubscribe or McpMethod.ResourcesUnsubscribe when HasResources && !context.IsModern:
                    await SubscribeAsync(context, context.Message.Method == McpMethod.ResourcesSubscribe).ConfigureAwait(false);
                    break;
                case McpMethod.PromptsList when Prompts.Count > 0:
                    await ListPromptsAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.PromptsGet when Prompts.Count > 0:
                    await GetPromptAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.CompletionComplete when Prompts.Count + ResourceTemplates.Count > 0:
                    await CompleteAsync(context).ConfigureAwait(false);
                    break;
                case McpMethod.SubscriptionsListen when context.IsModern:
                    await ListenAsync(context).ConfigureAwait(false);
                    break;
                default:
                    await context.RespondErrorAsync(JsonRpcErrorCode.MethodNotFound, $"Method not found: {context.Message.MethodName}").ConfigureAwait(false);
                    break;
            }
        }
        catch (McpException e) when (!context.HasResponded)
        {
            await RespondErrorAsync(context, e).ConfigureAwait(false);
        }
        catch (JsonException e) when (!context.HasResponded)
        {
            await context.RespondErrorAsync(JsonRpcErrorCode.InvalidParams, "Invalid params: " + JsonErrorText.Describe(e) + ".").ConfigureAwait(false);
        }
    }

    private bool HasResources => Resources.Count + ResourceTemplates.Count > 0;

    /// <summary>Announces that a resource changed: <c>notifications/resources/updated</c> to every 2025 session subscribed to it and every 2026-07-28 listener that asked for it (SV-19, M-SB-06).</summary>
    public async ValueTask NotifyResourceUpdatedAsync(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        foreach (var session in _sessions.Values)
        {
            if (session.HandlerState is SessionState { HasSubscriptions: true } state && state.Subscriptions.Keys.Any(s => IsSameOrChild(uri, s)))
            {
                await session.SendUnsolicitedAsync(static (w, o, uri) => w.WriteNotification(o, McpMethods.NotificationsResourcesUpdated, new ResourceUriParams { Uri = uri }, McpJsonContext.Default.ResourceUriParams), uri).ConfigureAwait(false);
            }
        }

        foreach (var listener in _listeners.Keys)
        {
            if (listener.ResourceUris is { } uris && uris.Any(s => IsSameOrChild(uri, s)))
            {
                listener.Post(new Change(ChangeKind.ResourceUpdated, uri));
            }
        }
    }

    private static bool IsSameOrChild(string uri, string subscribed) =>
        uri.Equals(subscribed, StringComparison.Ordinal) ||
        (uri.StartsWith(subscribed, StringComparison.Ordinal) && (subscribed.EndsWith('/') || uri[subscribed.Length] == '/'));

    /// <inheritdoc/>
    public void Dispose()
    {
        _stoppingRegistration.Dispose();
        _stopping.Dispose();
    }

    private void Stop()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    // ---------------------------------------------------------------- lifecycle

    private async Task InitializeAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.InitializeRequestParams)
            ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: initialize needs protocolVersion, capabilities and clientInfo.");

        // LC-09: echo a version we support, otherwise offer our newest session-era version.
        var negotiated = McpProtocolVersions.TryParse(request.ProtocolVersion, out var proposed) && !proposed.IsModern()
            ? proposed
            : McpProtocolVersions.LatestLegacy;
        if (context.Session is { } session)
        {
            session.ProtocolVersion = negotiated;
            session.ClientCapabilities = request.Capabilities;
            session.ClientInfo = request.ClientInfo;
            session.HandlerState = new SessionState(_options.DefaultLogLevel);
            if (_sessions.TryAdd(session.Id, session))
            {
                // Unsafe: the callback needs no ExecutionContext, and capturing the initialize request's (its Activity,
                // its logging scopes) would keep them alive as long as the session.
                session.Ended.UnsafeRegister(static s =>
                {
                    var (server, ended) = ((McpServer, McpSession))s!;
                    server._sessions.TryRemove(ended.Id, out _);
                }, (this, session));
            }
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var versionText = negotiated.ToVersionString();
            LogInitialized(_logger, request.ClientInfo.Name, request.ClientInfo.Version, versionText);
        }
        await context.RespondAsync(new InitializeResult
        {
            ProtocolVersion = negotiated.ToVersionString(),
            Capabilities = GetCapabilities(),
            ServerInfo = _options.ServerInfo,
            Instructions = negotiated >= McpProtocolVersion.V2025_03_26 ? _options.Instructions : null,
        }, McpJsonContext.Default.InitializeResult).ConfigureAwait(false);
    }

    private async Task SetLevelAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.SetLevelRequestParams);
        if (request is null)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: level must be one of debug, info, notice, warning, error, critical, alert, emergency.");
        }

        if (context.Session is { } session)
        {
            GetState(session).LogLevel = request.Level;
        }

        await context.RespondAsync(s_emptyObject, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
    }

    private async Task DiscoverAsync(McpRequestContext context)
    {
        await context.RespondAsync(new DiscoverResult
        {
            ResultType = ResultTypes.Complete,
            SupportedVersions = s_supportedVersions,
            Capabilities = GetCapabilities(),
            Instructions = _options.Instructions,
            TtlMs = (long)_options.ListCacheTtl.TotalMilliseconds,
            CacheScope = _options.CacheScope,
            Meta = _serverInfoMeta,
        }, McpJsonContext.Default.DiscoverResult).ConfigureAwait(false);
    }

    private static readonly string[] s_supportedVersions =
        [.. McpProtocolVersions.All.OrderDescending().Select(v => v.ToVersionString())];

    // ---------------------------------------------------------------- logging

    internal LoggingLevel? MinimumLogLevel(McpRequestContext context)
    {
        if (context.IsModern)
        {
            // M-SV-12: nothing without the request's logLevel.
            return context.Message.Envelope.LogLevel;
        }

        return context.Session is { } session ? GetState(session).LogLevel : _options.DefaultLogLevel;
    }

    private static bool CheckModernLogLevel(McpRequestContext context)
    {
        // Absent, or a level's name: the reader parsed it once as it read the message.
        var envelope = context.Message.Envelope;
        return envelope.LogLevel is not null || envelope.LogLevelKind == JsonValueKind.Undefined;
    }

    private SessionState GetState(McpSession session) =>
        session.HandlerState as SessionState ?? SetState(session, new SessionState(_options.DefaultLogLevel));

    private static SessionState SetState(McpSession session, SessionState state)
    {
        lock (session)
        {
            if (session.HandlerState is SessionState existing)
            {
                return existing;
            }

            session.HandlerState = state;
            return state;
        }
    }

    private sealed class SessionState(LoggingLevel level)
    {
        private ConcurrentDictionary<string, byte>? _subscriptions;

        public LoggingLevel LogLevel { get; set; } = level;

        public ConcurrentDictionary<string, byte> Subscriptions => LazyInitializer.EnsureInitialized(ref _subscriptions, static () => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));

        public bool HasSubscriptions => _subscriptions is { IsEmpty: false };
    }

    // ---------------------------------------------------------------- errors

    private static async ValueTask RespondErrorAsync(McpRequestContext context, McpException e)
    {
        if (e is McpMissingCapabilityException missing && context.IsModern)
        {
            var data = JsonSerializer.SerializeToElement(
                new MissingRequiredClientCapabilityErrorData { RequiredCapabilities = RequiredCapability(missing.Capability) },
                McpJsonContext.Default.MissingRequiredClientCapabilityErrorData);
            await context.RespondErrorAsync(e.Code, e.Message, data, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
            return;
        }

        if (e.ErrorData is { } errorData)
        {
            await context.RespondErrorAsync(e.Code, e.Message, errorData, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
        }
        else
        {
            await context.RespondErrorAsync(e.Code, e.Message).ConfigureAwait(false);
        }
    }

    private static ClientCapabilities RequiredCapability(string name) => name switch
    {
        "sampling" => new ClientCapabilities { Sampling = s_emptyObject },
        "elicitation" => new ClientCapabilities { Elicitation = s_emptyObject },
        "roots" => new ClientCapabilities { Roots = new CapabilityOptions() },
        _ => new ClientCapabilities(),
    };

    // ---------------------------------------------------------------- pagination

    private static int ReadCursor(McpRequestContext context, int count)
    {
        if (!context.Message.HasParams)
        {
            return 0;
        }

        var reader = context.Message.CreateParamsReader();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return 0;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCursor = reader.ValueTextEquals("cursor"u8);
            reader.Read();
            if (!isCursor)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                return 0;
            }

            // UT-27: cursors are ours and opaque; anything we did not issue is -32602.
            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { } cursor || !cursor.StartsWith('o')
                || !int.TryParse(cursor.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset < 0 || offset > count)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: unknown or stale cursor.");
            }

            return offset;
        }

        return 0;
    }

    private (int Start, int End, string? Next) Page(McpRequestContext context, int count)
    {
        var start = ReadCursor(context, count);
        var size = Math.Max(1, _options.PageSize);
        var end = Math.Min(count, start + size);
        return (start, end, end < count ? "o" + end.ToString(CultureInfo.InvariantCulture) : null);
    }

    private long ListTtl => (long)_options.ListCacheTtl.TotalMilliseconds;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Initialized a session for {ClientName} {ClientVersion} at protocol {Version}.")]
    private static partial void LogInitialized(ILogger logger, string clientName, string clientVersion, string version);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "The client of session {SessionTag} reports changed roots.")]
    private static partial void LogRootsChanged(ILogger logger, string? sessionTag);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Tool {Tool} failed; the client gets an isError result.")]
    private static partial void LogToolFailed(ILogger logger, string tool, Exception exception);
}

using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Features.Completion;
using Mcp.Raw.Server.Features.Discovery;
using Mcp.Raw.Server.Features.Lifecycle;
using Mcp.Raw.Server.Features.Logging;
using Mcp.Raw.Server.Features.Prompts;
using Mcp.Raw.Server.Features.Resources;
using Mcp.Raw.Server.Features.Subscriptions;
using Mcp.Raw.Server.Features.Tasks;
using Mcp.Raw.Server.Features.Tools;
using Mcp.Raw.Server.Sessions;
using Mcp.Raw.Server.Tasks;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Server;

/// <summary>
/// The MCP server: tools, resources, prompts, completion, logging and subscriptions over every protocol era, on the
/// transport's <see cref="IMcpMessageHandler"/> seam. Each method is a small handler in <c>Features/</c>, found
/// through one <see cref="MethodTable"/>; this type holds what they share (the primitives, the options, the
/// sessions and listen streams changes go to) and maps their errors.
/// </summary>
public sealed partial class McpServer : IMcpMessageHandler, IDisposable
{
    internal static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private readonly McpServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenRegistration _stoppingRegistration;
    private readonly MethodTable _methods;
    private readonly ChangeFanOut _changes;
    private readonly ISessionStore? _sessions;

    /// <summary>Creates the server (normally through <c>AddMcpRawServer</c>).</summary>
    public McpServer(IOptions<McpServerOptions> options, ILogger<McpServer> logger, IHostApplicationLifetime? lifetime = null, TimeProvider? timeProvider = null, ITaskStore? taskStore = null, ISessionStore? sessions = null, IMcpStateProtector? stateProtector = null, IChangeBroadcast? broadcast = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        Logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Time = timeProvider ?? TimeProvider.System;
        StateProtector = new RequestStateProtector(_options.RequestStateKey, Time, stateProtector);
        Tasks = new TaskRunner(this, taskStore ?? new InMemoryTaskStore(_options.MaxTasks, _options.MaxTaskBytes, time: Time));
        ServerInfoMeta = JsonSerializer.SerializeToElement(
            new Dictionary<string, JsonElement> { [MetaKeys.ServerInfo] = JsonSerializer.SerializeToElement(_options.ServerInfo, McpJsonContext.Default.Implementation) },
            McpJsonContext.Default.IDictionaryStringJsonElement);
        Listeners = new ListenerRegistry(_options);
        _sessions = sessions;
        _changes = new ChangeFanOut(_options, sessions, Listeners, broadcast);
        Broadcast = broadcast;
        _methods = new MethodTable(
        [
            new InitializeHandler(this),
            new PingHandler(this),
            new SetLevelHandler(this),
            new DiscoverHandler(this),
            new ListToolsHandler(this),
            new CallToolHandler(this),
            new ListResourcesHandler(this),
            new ListResourceTemplatesHandler(this),
            new ReadResourceHandler(this),
            new SubscribeHandler(this, subscribe: true),
            new SubscribeHandler(this, subscribe: false),
            new ListPromptsHandler(this),
            new GetPromptHandler(this),
            new CompleteHandler(this),
            new ListenHandler(this),
            new GetTaskHandler(this),
            new UpdateTaskHandler(this),
            new CancelTaskHandler(this),
        ]);
        if (lifetime is not null)
        {
            _stoppingRegistration = lifetime.ApplicationStopping.Register(static s => ((McpServer)s!).Stop(), this);
        }

        Tools.Changed += (_, _) => _changes.ListChanged(ChangeKind.Tools);
        Prompts.Changed += (_, _) => _changes.ListChanged(ChangeKind.Prompts);
        Resources.Changed += (_, _) => _changes.ListChanged(ChangeKind.Resources);
        ResourceTemplates.Changed += (_, _) => _changes.ListChanged(ChangeKind.Resources);
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

    /// <summary>Number of initialized 2025 sessions this process holds (on every transport).</summary>
    public int SessionCount => _sessions?.Local.Count(static s => s.IsInitialized) ?? 0;

    /// <summary>Number of open subscriptions/listen streams.</summary>
    public int ListenerCount => Listeners.Count;

    internal ILogger Logger { get; }

    internal RequestStateProtector StateProtector { get; }

    /// <summary>The <c>_meta</c> of every 2026-07-28 result: this server's implementation info.</summary>
    internal JsonElement ServerInfoMeta { get; }

    internal ListenerRegistry Listeners { get; }

    /// <summary>The fan-out of changes.</summary>
    internal ChangeFanOut Changes => _changes;

    /// <summary>The deployment's change broadcast, when there are several processes.</summary>
    internal IChangeBroadcast? Broadcast { get; }

    /// <summary>What another process published (<see cref="ChangeBroadcastRelay"/>): a change to announce, or a task's update or cancellation.</summary>
    internal ValueTask ReceiveBroadcastAsync(ReadOnlyMemory<byte> message) =>
        TaskControl.IsControl(message.Span) ? TaskControl.ReceiveAsync(Tasks, message) : _changes.ReceiveAsync(message);

    /// <summary>Fires when the application stops (listen streams end with their result).</summary>
    internal CancellationToken Stopping => _stopping.Token;

    internal bool HasResources => Resources.Count + ResourceTemplates.Count > 0;

    /// <summary>Whether a tool can run as a task.</summary>
    internal bool HasTaskTools => Tools.Items.Any(t => t.TaskSupport != McpTaskSupport.None);

    /// <summary>The tasks extension: which calls become tasks, the tasks running here, the task store.</summary>
    internal TaskRunner Tasks { get; }

    internal TimeProvider Time { get; }

    /// <summary>The 2026-07-28 list results' <c>ttlMs</c>.</summary>
    internal long ListTtl => (long)_options.ListCacheTtl.TotalMilliseconds;

    /// <summary>The capabilities this server declares: what is registered, and logging (LC-12, M-RQ-10).</summary>
    public ServerCapabilities GetCapabilities()
    {
        var listChanged = _options.AnnounceListChanges ? true : (bool?)null;
        return new ServerCapabilities
        {
            Tools = Tools.Count > 0 ? new CapabilityOptions { ListChanged = listChanged } : null,
            Prompts = Prompts.Count > 0 ? new CapabilityOptions { ListChanged = listChanged } : null,
            Resources = HasResources ? new CapabilityOptions { Subscribe = true, ListChanged = listChanged } : null,
            Logging = EmptyObject,
            Completions = Prompts.Count + ResourceTemplates.Count > 0 ? EmptyObject : null,

            // The tasks extension, when a tool can run as a task (T-01): under extensions, never a capabilities.tasks slot.
            Extensions = HasTaskTools ? new Dictionary<string, JsonElement> { [TaskRunner.Extension] = EmptyObject } : null,
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
            LogRootsChanged(Logger, context.Session?.Tag);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task HandleRequestAsync(McpRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            if (context.IsModern && !RequestLogLevel.IsValidModern(context.Message.Envelope))
            {
                await context.RespondErrorAsync(JsonRpcErrorCode.InvalidParams, "Invalid params: _meta[\"io.modelcontextprotocol/logLevel\"] is not a logging level (debug, info, notice, warning, error, critical, alert, emergency).").ConfigureAwait(false);
                return;
            }

            if (_methods.Find(context.Message.Method, context.IsModern) is { } handler)
            {
                await handler.HandleAsync(context).ConfigureAwait(false);
            }
            else
            {
                await context.RespondErrorAsync(JsonRpcErrorCode.MethodNotFound, $"Method not found: {context.Message.MethodName}").ConfigureAwait(false);
            }
        }
        catch (McpException e) when (!context.HasResponded)
        {
            await ErrorMapping.RespondAsync(context, e).ConfigureAwait(false);
        }
        catch (JsonException e) when (!context.HasResponded)
        {
            await ErrorMapping.RespondAsync(context, e).ConfigureAwait(false);
        }
    }

    /// <summary>Announces that the tool list changed (also raised by every change to <see cref="Tools"/>).</summary>
    public void NotifyToolsListChanged() => _changes.ListChanged(ChangeKind.Tools);

    /// <summary>Announces that the prompt list changed.</summary>
    public void NotifyPromptsListChanged() => _changes.ListChanged(ChangeKind.Prompts);

    /// <summary>Announces that the resource list changed.</summary>
    public void NotifyResourcesListChanged() => _changes.ListChanged(ChangeKind.Resources);

    /// <summary>The current state of <paramref name="taskIds"/>, to one listen stream (T-24).</summary>
    internal async ValueTask AnnounceTaskStatesAsync(Listener listener, string[] taskIds, CancellationToken cancellationToken)
    {
        foreach (var id in taskIds)
        {
            if (await Tasks.Store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } task)
            {
                listener.Post(new Change(ChangeKind.Task, id, TaskJson.Detailed(task)));
            }
        }
    }

    /// <summary>The tasks a listen stream may follow (T-24).</summary>
    internal ValueTask<string[]> AcceptTaskFollowersAsync(McpRequestContext context, IReadOnlyList<string> ids) => Tasks.AcceptFollowersAsync(context, ids);

    /// <summary>A task changed: <c>notifications/tasks</c> to the listen streams that follow it (T-24).</summary>
    internal void AnnounceTaskChanged(string taskId, ReadOnlyMemory<byte> detailedTask) => _changes.TaskChanged(taskId, detailedTask);

    /// <summary>Announces that a resource changed: <c>notifications/resources/updated</c> to every 2025 session subscribed to it and every 2026-07-28 listener that asked for it (SV-19, M-SB-06).</summary>
    public ValueTask NotifyResourceUpdatedAsync(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return _changes.ResourceUpdatedAsync(uri);
    }

    /// <summary>The minimum level of log messages to the client for this request (UT-18, M-SV-12).</summary>
    internal LoggingLevel? MinimumLogLevel(McpRequestContext context) => RequestLogLevel.Minimum(context, _options.DefaultLogLevel);

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

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "The client of session {SessionTag} reports changed roots.")]
    private static partial void LogRootsChanged(ILogger logger, string? sessionTag);
}

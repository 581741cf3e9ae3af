using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Client;

/// <summary>Options of <see cref="McpClient"/>.</summary>
public sealed class McpClientOptions
{
    /// <summary>Who we are (<c>clientInfo</c>, LC-02, M-RQ-02).</summary>
    public Implementation ClientInfo { get; set; } = new() { Name = "mcp-raw", Version = typeof(McpClientOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" };

    /// <summary>
    /// The protocol version to try first: <c>2026-07-28</c> (default) probes with server/discover and falls back to
    /// <c>initialize</c> and then to the 2024-11-05 HTTP+SSE transport (M-CL-10); a 2025 version starts with initialize.
    /// </summary>
    public McpProtocolVersion ProtocolVersion { get; set; } = McpProtocolVersions.Latest;

    /// <summary>Answers <c>elicitation/create</c> (declares the elicitation capability when set).</summary>
    public Func<ElicitRequestParams, CancellationToken, ValueTask<ElicitResult>>? ElicitationHandler { get; set; }

    /// <summary>Answers <c>sampling/createMessage</c> (declares the sampling capability when set).</summary>
    public Func<CreateMessageRequestParams, CancellationToken, ValueTask<CreateMessageResult>>? SamplingHandler { get; set; }

    /// <summary>Answers <c>roots/list</c> (declares the roots capability when set).</summary>
    public Func<CancellationToken, ValueTask<ListRootsResult>>? RootsHandler { get; set; }

    /// <summary>Receives every notification the moment it arrives (progress, log messages, list changes, resource updates, ...).</summary>
    public Func<McpNotification, ValueTask>? NotificationHandler { get; set; }

    /// <summary>
    /// The log messages wanted: sent as <c>logging/setLevel</c> after a 2025 initialize, and as the per-request
    /// <c>logLevel</c> in 2026-07-28 (M-RQ-03). Null: the server's default in 2025 sessions, none in 2026-07-28.
    /// </summary>
    public LoggingLevel? LogLevel { get; set; }

    /// <summary>
    /// The OAuth 2.1 client: when set, a 401 (or a 403 <c>insufficient_scope</c>) from the server starts the MCP
    /// authorization flow, and the token goes in the <c>Authorization</c> header of every later request to the
    /// server's origin. Null: no OAuth (a fixed token can still go in <see cref="Headers"/>).
    /// </summary>
    public McpOAuthOptions? OAuth { get; set; }

    /// <summary>Extra headers on every HTTP request (for example <c>Authorization</c>).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Open the session's standalone GET stream in 2025 sessions (TR-27).</summary>
    public bool OpenServerStream { get; set; } = true;

    /// <summary>Time limit of one request (M-CL-08, LC-18).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How a dropped SSE stream is resumed (TR-23, TR-40).</summary>
    public McpReconnectPolicy Reconnect { get; set; } = new();

    /// <summary>The most MRTR rounds one call may take (M-MR-16).</summary>
    public int MaxInputRounds { get; set; } = 10;

    /// <summary>
    /// Whether 2026-07-28 requests declare the tasks extension (<c>io.modelcontextprotocol/tasks</c>), so that a server
    /// may run a tool call as a task; <c>CallToolAsync</c> then follows the task to its end. Default on.
    /// </summary>
    public bool EnableTasks { get; set; } = true;

    /// <summary>The poll interval for <c>tasks/get</c> when the server suggests none (<c>pollIntervalMs</c>). Default 500 ms.</summary>
    public TimeSpan TaskPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long <c>CallToolAsync</c> follows a task before it cancels it (<c>tasks/cancel</c>) and throws
    /// <see cref="TimeoutException"/>; null follows it for as long as it runs. Default 1 hour.
    /// </summary>
    public TimeSpan? TaskTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sees a task's status each time the client reads it (created, then every poll).</summary>
    public Action<McpTaskStatus>? TaskStatusHandler { get; set; }

    /// <summary>Send DELETE for the session on dispose (TR-56).</summary>
    public bool DeleteSessionOnDispose { get; set; } = true;

    /// <summary>
    /// The largest message the client reads: a JSON answer, one SSE event's data, or one stdio line. A larger one ends
    /// the call with <see cref="McpClientException"/> instead of growing memory. Default 16 MiB.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Called with a message for every tool left out of tools/list because of an invalid x-mcp-header annotation (M-CL-04).</summary>
    public Action<string>? Warning { get; set; }
}

/// <summary>Bounded reconnection for dropped SSE streams.</summary>
public sealed class McpReconnectPolicy
{
    /// <summary>Reconnection attempts per stream before giving up.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before reconnecting when the server sent no <c>retry</c>.</summary>
    public TimeSpan DefaultDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait honoured, whatever <c>retry</c> says.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest wait, whatever <c>retry</c> says: a server cannot make the client reconnect in a tight loop.</summary>
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Reconnections of one stream in all. <see cref="MaxAttempts"/> counts failures in a row and starts again when
    /// events arrive; this one the server cannot reset (by sending one event per connection, say).
    /// </summary>
    public int MaxTotalAttempts { get; set; } = 100;
}

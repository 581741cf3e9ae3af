using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Server;

/// <summary>Options of the MCP server layer (the transport has its own, <see cref="Transport.StreamableHttpOptions"/>).</summary>
public sealed class McpServerOptions
{
    /// <summary>The server's name and version: <c>serverInfo</c> on initialize, <c>_meta</c> serverInfo on 2026-07-28 results (LC-03, M-RQ-05).</summary>
    public Implementation ServerInfo { get; set; } = new() { Name = "mcp-raw", Version = typeof(McpServerOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" };

    /// <summary>Optional instructions for the client's model (initialize and server/discover).</summary>
    public string? Instructions { get; set; }

    /// <summary>Items per page of tools/list, prompts/list, resources/list and resources/templates/list (UT-26).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Whether a tool's unexpected exception shows its message to the client. Default false: the client gets
    /// "Tool 'x' failed with an unexpected error." and the log gets the exception; throw <see cref="McpToolException"/>
    /// for a message meant for the client, or <see cref="McpException"/> for a JSON-RPC error.
    /// </summary>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>The <c>ttlMs</c> hint on 2026-07-28 list results and server/discover (M-SV-03).</summary>
    public TimeSpan ListCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a finished task stays readable through <c>tasks/get</c> (its <c>ttlMs</c>, T-17); null keeps it as long
    /// as the task store does. Default 1 hour.
    /// </summary>
    public TimeSpan? TaskTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The poll interval suggested to clients for <c>tasks/get</c> (<c>pollIntervalMs</c>, T-08). Default 500 ms.</summary>
    public TimeSpan TaskPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The most tasks the default in-memory task store holds (running and finished); a call past it runs without a task. Default 10,000.</summary>
    public int MaxTasks { get; set; } = 10_000;

    /// <summary>
    /// The most tasks one principal runs at once (all anonymous callers count as one); a call past it runs without a
    /// task. Default 100.
    /// </summary>
    public int MaxRunningTasksPerPrincipal { get; set; } = 100;

    /// <summary>The most bytes the default in-memory task store holds (results and input requests). Default 64 MiB.</summary>
    public long MaxTaskBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The <c>ttlMs</c> hint on 2026-07-28 resources/read results (M-SV-03). Zero: do not reuse.</summary>
    public TimeSpan ReadCacheTtl { get; set; } = TimeSpan.Zero;

    /// <summary>The <c>cacheScope</c> hint (M-SV-03): <c>private</c> unless every result is the same for every caller.</summary>
    public string CacheScope { get; set; } = CacheScopes.Private;

    /// <summary>The log level of a 2025 session before the client sends logging/setLevel (UT-21).</summary>
    public LoggingLevel DefaultLogLevel { get; set; } = LoggingLevel.Info;

    /// <summary>
    /// The key that signs MRTR <c>requestState</c> (M-MR-11). Null: a random key per process, which is right for one
    /// process; give every instance the same 32 or more secret bytes when requests may land on another instance, or
    /// register a shared key ring (<c>IMcpStateProtector</c>; <c>AddMcpRawRedis</c> does), which then takes its place.
    /// </summary>
    public byte[]? RequestStateKey { get; set; }

    /// <summary>How long a <c>requestState</c> stays redeemable (M-MR-12).</summary>
    public TimeSpan RequestStateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest <c>requestState</c> accepted from a client, in characters (M-MR-16).</summary>
    public int MaxRequestStateLength { get; set; } = 256 * 1024;

    /// <summary>Whether tool, prompt and resource list changes are announced (<c>listChanged</c>, SV-11, M-SB-07).</summary>
    public bool AnnounceListChanges { get; set; } = true;

    /// <summary>The most resources one 2025 session subscribes to (<c>resources/subscribe</c>), and the most URIs one listen stream names. Default 1,000.</summary>
    public int MaxSubscriptionsPerSession { get; set; } = 1_000;

    /// <summary>The most <c>subscriptions/listen</c> streams open on this server; one more gets 503 with <c>Retry-After</c>. Default 1,000.</summary>
    public int MaxListenStreams { get; set; } = 1_000;

    /// <summary>The most <c>subscriptions/listen</c> streams one authenticated principal holds open. Default 100.</summary>
    public int MaxListenStreamsPerPrincipal { get; set; } = 100;
}

using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport;

/// <summary>Options of the MCP HTTP transport. Defaults are safe for a local server.</summary>
public sealed class StreamableHttpOptions
{
    /// <summary>
    /// Serve the 2025 eras without sessions: no <c>Mcp-Session-Id</c>, GET and DELETE get 405, server-to-client
    /// requests only inside a request's own SSE stream (TR-66). Default false (sessions).
    /// </summary>
    public bool Stateless { get; set; }

    /// <summary>The largest request body in bytes; a larger one gets 413 without being read to the end. Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted. Default 64.</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>The path of the 2024-11-05 HTTP+SSE stream endpoint, relative to the MCP endpoint's parent; null disables it. Default <c>/sse</c>.</summary>
    public string? HttpSse2024Path { get; set; } = "/sse";

    /// <summary>The path 2024-11-05 HTTP+SSE clients POST to (announced in the <c>endpoint</c> event). Default <c>/messages</c>.</summary>
    public string HttpSse2024MessagesPath { get; set; } = "/messages";

    /// <summary>
    /// Origins allowed in the <c>Origin</c> header (scheme://host[:port]); a request with another origin gets 403
    /// (SEC-01, SEC-02). Requests without <c>Origin</c> are allowed (SEC-03). Default: loopback origins only.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Whether any loopback origin (http or https, localhost, 127.0.0.1, [::1], any port) is allowed. Default true.</summary>
    public bool AllowLoopbackOrigins { get; set; } = true;

    /// <summary>
    /// Host names allowed in the <c>Host</c> header when the server listens on loopback (DNS-rebinding protection,
    /// SEC-03). Loopback names are always allowed. Add the public names a reverse proxy forwards.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Whether the <c>Host</c> check is on. Default true; it applies only to loopback listeners.</summary>
    public bool EnforceLoopbackHost { get; set; } = true;

    /// <summary>How long a session may stay idle before it is evicted (TR-60). Default 2 hours.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The most sessions kept; when full, the least recently active idle session is evicted. Default 10,000.</summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>
    /// The most sessions one authenticated principal (issuer and subject) holds; at the cap its own least recently
    /// active idle session is evicted, and with none idle a new one gets 429. Default 1,000.
    /// </summary>
    public int MaxSessionsPerPrincipal { get; set; } = 1_000;

    /// <summary>The most anonymous sessions one remote address holds (evicted and refused like <see cref="MaxSessionsPerPrincipal"/>). Default 1,000.</summary>
    public int MaxAnonymousSessionsPerAddress { get; set; } = 1_000;

    /// <summary>
    /// The most open 2024-11-05 HTTP+SSE connections (each is a session that cannot be evicted while open); beyond it a
    /// new <c>GET /sse</c> gets 503, and the 2025 session eras keep the rest of the table. Default 1,000.
    /// </summary>
    public int MaxHttpSse2024Sessions { get; set; } = 1_000;

    /// <summary>The most requests of one session being served at once; one more gets 429 with <c>Retry-After</c>. Default 100.</summary>
    public int MaxRequestsInFlightPerSession { get; set; } = 100;

    /// <summary>The <c>retry</c> value sent with priming events on 2025-11-25 streams (TR-22). Default 1 s.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The interval of <c>:</c> keep-alive comments on idle long-lived streams (TR-34, M-TR-17). Default 25 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events retained per stream for <c>Last-Event-ID</c> replay. Default 1,000.</summary>
    public int MaxEventsPerStream { get; set; } = 1_000;

    /// <summary>Bytes retained per stream for replay. Default 4 MiB.</summary>
    public long MaxEventBytesPerStream { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long events of an abandoned stream (its request still running, or the GET stream) stay available for replay. Default 5 minutes.</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long events of a finished POST stream (its response stored) stay available for replay. Default 30 s.</summary>
    public TimeSpan CompletedStreamRetention { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long events of a finished POST stream stay available when its response went out to a client that was still
    /// connected (the client has it and has no reason to resume; this covers a connection lost with the last bytes in
    /// flight, as long as a few retry intervals). Default 5 s.
    /// </summary>
    public TimeSpan DeliveredStreamRetention { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Bytes of events retained for one session, over all its streams; beyond it the oldest events of the session's
    /// finished streams go first, then its oldest events. Default 16 MiB.
    /// </summary>
    public long MaxEventBytesPerSession { get; set; } = 16 * 1024 * 1024;

    /// <summary>Bytes of events retained in total; beyond it the oldest finished streams of any session go first. Default 256 MiB.</summary>
    public long MaxEventStoreBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long a server-to-client request waits for the client's answer (LC-18, CL-14). Default 60 s.</summary>
    public TimeSpan ServerRequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The versions served through the 2026-07-28 envelope and listed in -32022 errors (M-VR-20).</summary>
    public IList<McpProtocolVersion> ModernVersions { get; } = [McpProtocolVersion.V2026_07_28];
}

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// What a protocol version has. Code asks <see cref="McpProtocolVersions.Supports"/> for a feature rather than
/// comparing version strings.
/// </summary>
[Flags]
public enum McpFeatures : uint
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The HTTP+SSE transport (GET <c>/sse</c>, <c>endpoint</c> event, POST endpoint).</summary>
    HttpSse2024Transport = 1 << 0,

    /// <summary>Streamable HTTP on one endpoint.</summary>
    StreamableHttp = 1 << 1,

    /// <summary>JSON-RPC batches in one POST (2025-03-26 only; JR-12, JR-14).</summary>
    Batching = 1 << 2,

    /// <summary><c>initialize</c> handshake and <c>Mcp-Session-Id</c> sessions.</summary>
    Sessions = 1 << 3,

    /// <summary>The <c>MCP-Protocol-Version</c> header on every request after initialization.</summary>
    ProtocolVersionHeader = 1 << 4,

    /// <summary>Priming events (id and empty data), <c>retry</c> and server-initiated disconnects (TR-15, TR-16).</summary>
    PrimingEvents = 1 << 5,

    /// <summary>Resumable SSE streams with event ids and <c>Last-Event-ID</c>.</summary>
    Resumability = 1 << 6,

    /// <summary>Audio content, tool annotations, the <c>completions</c> capability, progress <c>message</c>.</summary>
    AudioAndAnnotations = 1 << 7,

    /// <summary><c>structuredContent</c>, <c>outputSchema</c>, <c>resource_link</c>, <c>title</c>.</summary>
    StructuredToolOutput = 1 << 8,

    /// <summary>Form-mode elicitation.</summary>
    Elicitation = 1 << 9,

    /// <summary>URL-mode elicitation, <c>-32042</c>, sampling with tools, icons, enum schema rework.</summary>
    UrlElicitation = 1 << 10,

    /// <summary>Tasks in the core protocol (2025-11-25; an extension afterwards).</summary>
    CoreTasks = 1 << 11,

    /// <summary>Server-to-client JSON-RPC requests (sampling, elicitation, roots, ping).</summary>
    ServerToClientRequests = 1 << 12,

    /// <summary>The per-request <c>params._meta</c> envelope: version, client info, capabilities (2026-07-28).</summary>
    MetaEnvelope = 1 << 13,

    /// <summary>Multi Round-Trip Requests: <c>InputRequiredResult</c>, <c>inputResponses</c>, <c>requestState</c>.</summary>
    MultiRoundTrip = 1 << 14,

    /// <summary><c>subscriptions/listen</c> instead of the GET stream and <c>resources/subscribe</c>.</summary>
    SubscriptionsListen = 1 << 15,

    /// <summary><c>Mcp-Method</c>, <c>Mcp-Name</c> and <c>Mcp-Param-*</c> headers checked against the body.</summary>
    HeaderMirroring = 1 << 16,

    /// <summary><c>resultType</c> on every result.</summary>
    ResultType = 1 << 17,

    /// <summary><c>ttlMs</c> and <c>cacheScope</c> on list and read results.</summary>
    CacheHints = 1 << 18,

    /// <summary><c>server/discover</c>.</summary>
    Discover = 1 << 19,

    /// <summary><c>ping</c>, <c>logging/setLevel</c>, <c>resources/subscribe</c>, <c>notifications/cancelled</c> over HTTP.</summary>
    SessionUtilities = 1 << 20,

    /// <summary>Resource not found is <c>-32002</c> (before 2026-07-28, <c>-32602</c> after).</summary>
    ResourceNotFoundCode32002 = 1 << 21,

    /// <summary>Closing a response stream cancels its request (2026-07-28); before, a dropped connection does not cancel.</summary>
    CancelOnStreamClose = 1 << 22,

    /// <summary>Tool input validation failures are <c>isError</c> results rather than protocol errors (2025-11-25+).</summary>
    InputValidationAsToolError = 1 << 23,
}

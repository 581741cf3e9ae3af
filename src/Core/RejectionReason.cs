namespace Mcp.Raw.Transport;

/// <summary>Why the transport refused an HTTP request before any handler saw it. Mapped to a status and a message in one place, the HTTP transport's <c>Rejections</c>; a session store refuses with it too.</summary>
public enum RejectionReason
{
    /// <summary><c>Origin</c> present and not allowed (SEC-01, SEC-02): 403.</summary>
    OriginNotAllowed,

    /// <summary><c>Host</c> not allowed on a loopback listener (SEC-03): 403.</summary>
    HostNotAllowed,

    /// <summary>The client accepts neither JSON nor SSE (TR-06): 406.</summary>
    NotAcceptable,

    /// <summary>A GET that does not accept <c>text/event-stream</c> (TR-28): 406.</summary>
    EventStreamNotAccepted,

    /// <summary>The body is not <c>application/json</c> (TR-09): 415.</summary>
    UnsupportedMediaType,

    /// <summary>The body is over the limit: 413.</summary>
    BodyTooLarge,

    /// <summary>A request other than <c>initialize</c> without <c>Mcp-Session-Id</c> (TR-53): 400.</summary>
    SessionIdRequired,

    /// <summary>An unknown, expired or deleted session (TR-54): 404.</summary>
    SessionNotFound,

    /// <summary>A malformed or unsupported <c>MCP-Protocol-Version</c> on a 2025-era request (TR-64): 400.</summary>
    UnsupportedProtocolVersionHeader,

    /// <summary>The method is not served on this path: 405 with <c>Allow</c>.</summary>
    MethodNotAllowed,

    /// <summary>The session already has a live standalone stream (TR-33): 409.</summary>
    StreamConflict,

    /// <summary><c>initialize</c> sent with the id of an existing session (TR-59): 400.</summary>
    AlreadyInitialized,

    /// <summary>A batch on a version without batches, or <c>initialize</c> inside a batch (JR-13, JR-14): 400.</summary>
    BatchNotAllowed,

    /// <summary>A <c>Last-Event-ID</c> that names no stream of this session (TR-43): 400.</summary>
    UnknownLastEventId,

    /// <summary>A <c>Last-Event-ID</c> older than the events still retained: 400.</summary>
    EventsNoLongerAvailable,

    /// <summary>A 2024-11-05 POST names no open HTTP+SSE connection: 404.</summary>
    HttpSse2024SessionNotFound,

    /// <summary>The server is shutting down: 503.</summary>
    ShuttingDown,

    /// <summary>The session cap is reached and no idle session can be evicted: 503.</summary>
    TooManySessions,

    /// <summary>The client (principal or anonymous address) holds its most sessions and none is idle: 429.</summary>
    SessionQuotaExceeded,

    /// <summary>The 2024-11-05 HTTP+SSE connections are at their cap: 503.</summary>
    TooManyHttpSse2024Connections,

    /// <summary>The session has its most requests in flight: 429.</summary>
    TooManyRequestsInFlight,

    /// <summary>The server holds its most subscription or listen streams: 503.</summary>
    TooManyStreams,

    /// <summary>503: a store shared by several processes cannot be reached now (<see cref="StoreUnavailableException"/>).</summary>
    StoreUnavailable,
}

using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Transport.Http;

/// <summary>The one map from <see cref="RejectionReason"/> to HTTP status, JSON-RPC code and message.</summary>
internal static class Rejections
{
    /// <summary>The HTTP status of a rejection.</summary>
    public static int GetStatusCode(RejectionReason reason) => reason switch
    {
        RejectionReason.OriginNotAllowed or RejectionReason.HostNotAllowed => StatusCodes.Forbidden,
        RejectionReason.NotAcceptable or RejectionReason.EventStreamNotAccepted => StatusCodes.NotAcceptable,
        RejectionReason.UnsupportedMediaType => StatusCodes.UnsupportedMediaType,
        RejectionReason.BodyTooLarge => StatusCodes.PayloadTooLarge,
        RejectionReason.SessionNotFound or RejectionReason.HttpSse2024SessionNotFound => StatusCodes.NotFound,
        RejectionReason.MethodNotAllowed => StatusCodes.MethodNotAllowed,
        RejectionReason.StreamConflict => StatusCodes.Conflict,
        RejectionReason.ShuttingDown or RejectionReason.TooManySessions or RejectionReason.TooManyHttpSse2024Connections or RejectionReason.TooManyStreams
            or RejectionReason.StoreUnavailable => StatusCodes.ServiceUnavailable,
        RejectionReason.SessionQuotaExceeded or RejectionReason.TooManyRequestsInFlight => StatusCodes.TooManyRequests,
        _ => StatusCodes.BadRequest,
    };

    /// <summary>The JSON-RPC code of the error body.</summary>
    public static int GetErrorCode(RejectionReason reason) => reason switch
    {
        // CONV: the TypeScript transport's "Session not found" (JR-11); a 2025-era error, never sent on modern requests.
        RejectionReason.SessionNotFound => JsonRpcErrorCode.SessionNotFound,
        RejectionReason.ShuttingDown or RejectionReason.TooManySessions or RejectionReason.TooManyHttpSse2024Connections or RejectionReason.TooManyStreams
            or RejectionReason.SessionQuotaExceeded or RejectionReason.TooManyRequestsInFlight or RejectionReason.StoreUnavailable => JsonRpcErrorCode.InternalError,
        _ => JsonRpcErrorCode.InvalidRequest,
    };

    /// <summary>A one-sentence message saying what was wrong.</summary>
    public static string GetMessage(RejectionReason reason) => reason switch
    {
        RejectionReason.OriginNotAllowed => "Forbidden: the request's Origin is not allowed.",
        RejectionReason.HostNotAllowed => "Forbidden: the request's Host is not allowed for this server.",
        RejectionReason.NotAcceptable => "Not Acceptable: the client must accept application/json or text/event-stream.",
        RejectionReason.EventStreamNotAccepted => "Not Acceptable: a GET must accept text/event-stream.",
        RejectionReason.UnsupportedMediaType => "Unsupported Media Type: the body must be application/json.",
        RejectionReason.BodyTooLarge => "Payload Too Large: the body is larger than the server's limit.",
        RejectionReason.SessionIdRequired => "Bad Request: the Mcp-Session-Id header is required.",
        RejectionReason.SessionNotFound => "Session not found.",
        RejectionReason.UnsupportedProtocolVersionHeader => "Bad Request: the MCP-Protocol-Version header is malformed or names an unsupported version.",
        RejectionReason.MethodNotAllowed => "Method Not Allowed.",
        RejectionReason.StreamConflict => "Conflict: this session already has an open stream.",
        RejectionReason.AlreadyInitialized => "Invalid request: the session is already initialized.",
        RejectionReason.BatchNotAllowed => "Invalid request: JSON-RPC batches are not supported in this protocol version, and initialize is never batched.",
        RejectionReason.UnknownLastEventId => "Bad Request: the Last-Event-ID names no stream of this session.",
        RejectionReason.EventsNoLongerAvailable => "Bad Request: the events after the Last-Event-ID are no longer available; re-issue the request.",
        RejectionReason.HttpSse2024SessionNotFound => "Not Found: no open SSE connection has this session id.",
        RejectionReason.ShuttingDown => "Service Unavailable: the server is shutting down.",
        RejectionReason.TooManySessions => "Service Unavailable: the server has too many sessions.",
        RejectionReason.SessionQuotaExceeded => "Too Many Requests: this client holds its most sessions and none is idle; end one (DELETE) or retry later.",
        RejectionReason.TooManyHttpSse2024Connections => "Service Unavailable: the server has its most 2024-11-05 HTTP+SSE connections open.",
        RejectionReason.TooManyRequestsInFlight => "Too Many Requests: this session has its most requests in progress; retry after one completes.",
        RejectionReason.TooManyStreams => "Service Unavailable: the server has its most subscription streams open.",
        RejectionReason.StoreUnavailable => "Service Unavailable: the session store cannot be reached; retry later.",
        _ => "Bad Request.",
    };

    /// <summary>The <c>Retry-After</c> seconds of a refusal that a retry can overcome, or 0 for none.</summary>
    public static int GetRetryAfterSeconds(RejectionReason reason) => reason switch
    {
        RejectionReason.TooManyRequestsInFlight => 1,
        RejectionReason.SessionQuotaExceeded or RejectionReason.TooManySessions or RejectionReason.TooManyHttpSse2024Connections or RejectionReason.TooManyStreams
            or RejectionReason.StoreUnavailable => 5,
        RejectionReason.ShuttingDown => 30,
        _ => 0,
    };

    private static class StatusCodes
    {
        public const int BadRequest = 400;
        public const int Forbidden = 403;
        public const int NotFound = 404;
        public const int MethodNotAllowed = 405;
        public const int NotAcceptable = 406;
        public const int Conflict = 409;
        public const int PayloadTooLarge = 413;
        public const int UnsupportedMediaType = 415;
        public const int TooManyRequests = 429;
        public const int ServiceUnavailable = 503;
    }
}

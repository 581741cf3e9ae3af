using System.Globalization;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Mcp.Raw.Transport.Sessions;
using Mcp.Raw.Transport.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Transport.Endpoints;

internal sealed partial class PostRequestHandler
{
    /// <summary>2025 eras: the session (or stateless mode) decides; notifications and responses get 202 (TR-10).</summary>
    private async Task HandleSessions2025Async(HttpContext http, JsonRpcMessage message, McpProtocolVersion headerVersion, string? header, ContentNegotiation.Accepts accepts)
    {
        if (_options.Stateless)
        {
            await HandleStatelessAsync(http, message, headerVersion, accepts).ConfigureAwait(false);
            return;
        }

        var sessionId = ReadHeader(http, McpHeaders.SessionId);
        if (message.Method == McpMethod.Initialize && message.Kind == JsonRpcMessageKind.Request)
        {
            await HandleInitializeAsync(http, message, sessionId, accepts).ConfigureAwait(false);
            return;
        }

        if (sessionId is null)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.SessionIdRequired).ConfigureAwait(false);
            return;
        }

        var session = await _sessions.GetAsync(sessionId, http.RequestAborted).ConfigureAwait(false);
        if (session is null || session.IsHttpSse2024 || !session.IsInitialized || !session.Owner.Admits(http))
        {
            // A real 404 before any stream opens, so the client re-initializes (TR-54, edge case 8).
            await ErrorResponses.WriteAsync(http, RejectionReason.SessionNotFound).ConfigureAwait(false);
            return;
        }

        if (header is not null && headerVersion != session.ProtocolVersion)
        {
            LogHeaderDiffersFromSession(_logger, header, session.ProtocolVersion);
        }

        await HandleInSessionAsync(http, message, session, session.ProtocolVersion, accepts).ConfigureAwait(false);
    }

    /// <summary>Routes one message of an existing session. Shared with batches and the HTTP+SSE transport.</summary>
    private async Task HandleInSessionAsync(HttpContext http, JsonRpcMessage message, McpSession session, McpProtocolVersion version, ContentNegotiation.Accepts accepts)
    {
        switch (message.Kind)
        {
            case JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse:
                await _dispatcher.RouteResponseAsync(session, message).ConfigureAwait(false);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            case JsonRpcMessageKind.Notification:
                await _dispatcher.DispatchNotificationAsync(new HttpNotificationContext(message, version, session, http)).ConfigureAwait(false);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
        }

        using var inFlight = new InFlightRequest(session);
        switch (session.TryBeginRequest(message.Id, inFlight, _options.MaxRequestsInFlightPerSession))
        {
            case RequestAdmission.TooMany:
                await ErrorResponses.WriteAsync(http, RejectionReason.TooManyRequestsInFlight).ConfigureAwait(false);
                return;
            case RequestAdmission.DuplicateId:
                await ErrorResponses.WriteAsync(http, 400, message.Id, JsonRpcErrorCode.InvalidRequest, DuplicateIdMessage).ConfigureAwait(false);
                return;
        }

        try
        {
            // Every POST stream of a session is resumable: event ids, the event store, and on 2025-11-25 a priming
            // event with retry (TR-15, TR-16). A dropped connection does not cancel the request (TR-25).
            var key = new StreamKey(session.Tag, session.NextStreamId());
            var stream = new ServerStream(http, accepts, _events, key, version.Supports(McpFeatures.PrimingEvents), (int)_options.RetryInterval.TotalMilliseconds)
            {
                KeepAlive = _keepAlive,
            };
            await using (stream.ConfigureAwait(false))
            {
                var context = new HttpRequestContext(message, version, session, http, stream, _options, default) { InFlight = inFlight };
                await _dispatcher.RunRequestAsync(context, stream).ConfigureAwait(false);
            }
        }
        finally
        {
            session.EndRequest(message.Id);
        }
    }

    private const string DuplicateIdMessage = "Invalid request: a request with this id is already in progress in this session.";

    private async Task HandleInitializeAsync(HttpContext http, JsonRpcMessage message, string? sessionId, ContentNegotiation.Accepts accepts)
    {
        if (sessionId is not null && await _sessions.GetAsync(sessionId, http.RequestAborted).ConfigureAwait(false) is { IsInitialized: true } existing && existing.Owner.Admits(http))
        {
            await ErrorResponses.WriteAsync(http, 400, message.Id, JsonRpcErrorCode.InvalidRequest, Rejections.GetMessage(RejectionReason.AlreadyInitialized)).ConfigureAwait(false);
            return;
        }

        var created = await _sessions.CreateAsync(McpProtocolVersion.Unknown, httpSse2024: false, SessionOwnership.From(http), http.RequestAborted).ConfigureAwait(false);
        if (created.Session is not { } session)
        {
            await ErrorResponses.WriteAsync(http, created.Refusal).ConfigureAwait(false);
            return;
        }

        // The handshake counts as a request in flight: the session cannot be evicted before it is answered.
        session.BeginHandshake();

        var stream = new ServerStream(http, accepts, store: null, key: default, priming: false, retryMilliseconds: 0)
        {
            SessionIdHeader = session.Id,
        };
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                // The context marks the session initialized before the answer's first byte leaves, so a fast client's
                // next request can never arrive first and find it uninitialized (404).
                // The session's end cancels the handshake, through a token made only if the handler asks for one.
                using var handshake = new InFlightRequest(session);
                var context = new HttpRequestContext(message, McpProtocolVersion.Unknown, session, http, stream, _options, CancellationToken.None) { InFlight = handshake };
                await _dispatcher.RunRequestAsync(context, stream).ConfigureAwait(false);
            }
        }
        finally
        {
            session.EndHandshake();
        }

        if (session.IsInitialized)
        {
            LogSessionCreated(_logger, session.ProtocolVersion);
        }
        else
        {
            await _sessions.RemoveAsync(session.Id).ConfigureAwait(false);
        }
    }

    /// <summary>Stateless mode: no session; the header (or 2025-03-26) gives the version (TR-63, TR-66).</summary>
    private async Task HandleStatelessAsync(HttpContext http, JsonRpcMessage message, McpProtocolVersion headerVersion, ContentNegotiation.Accepts accepts)
    {
        var version = headerVersion != McpProtocolVersion.Unknown ? headerVersion : McpProtocolVersions.DefaultWithoutHeader;
        switch (message.Kind)
        {
            case JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse:
                // Nothing can be waiting for it: stateless servers send no requests outside a stream.
                _dispatcher.LogUnroutable(message.Id);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            case JsonRpcMessageKind.Notification:
                await _dispatcher.DispatchNotificationAsync(new HttpNotificationContext(message, version, null, http)).ConfigureAwait(false);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
        }

        if (message.Method == McpMethod.Initialize)
        {
            version = McpProtocolVersion.Unknown;
        }

        // Without sessions nothing can resume a stream, so a closed connection ends the request (Kestrel's
        // RequestAborted fires when the client goes).
        var stream = new ServerStream(http, accepts, store: null, key: default, priming: false, retryMilliseconds: 0)
        {
            KeepAlive = _keepAlive,
        };
        await using (stream.ConfigureAwait(false))
        {
            var context = new HttpRequestContext(message, version, session: null, http, stream, _options, http.RequestAborted);
            await _dispatcher.RunRequestAsync(context, stream).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Session created, protocol version {Version}.")]
    private static partial void LogSessionCreated(ILogger logger, McpProtocolVersion version);

    [LoggerMessage(EventId = 15, Level = LogLevel.Debug, Message = "MCP-Protocol-Version {Header} differs from the session's negotiated {Negotiated}; the session's version is used.")]
    private static partial void LogHeaderDiffersFromSession(ILogger logger, string header, McpProtocolVersion negotiated);
}


using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Mcp.Raw.Transport.Sessions;
using Mcp.Raw.Transport.Sse;
using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Endpoints;

internal sealed partial class PostRequestHandler
{
    /// <summary>
    /// A 2025-03-26 batch (JR-12, TR-08): every element judged on its own; requests run concurrently; their answers
    /// come back as one JSON array; a batch of only notifications and responses gets 202.
    /// </summary>
    private async Task HandleBatchAsync(HttpContext http, JsonRpcPayload payload, string? header, ContentNegotiation.Accepts accepts)
    {
        McpSession? session = null;
        McpProtocolVersion version;
        if (header is not null && !EraClassifier.IsServed(header, _options.ModernVersions, out _))
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.UnsupportedProtocolVersionHeader).ConfigureAwait(false);
            return;
        }

        if (_options.Stateless)
        {
            version = header is not null && McpProtocolVersions.TryParse(header, out var v) ? v : McpProtocolVersions.DefaultWithoutHeader;
        }
        else
        {
            var sessionId = ReadHeader(http, McpHeaders.SessionId);
            if (sessionId is null)
            {
                // A batch never holds initialize (JR-13), so it always needs a session.
                await ErrorResponses.WriteAsync(http, RejectionReason.SessionIdRequired).ConfigureAwait(false);
                return;
            }

            session = await _sessions.GetAsync(sessionId, http.RequestAborted).ConfigureAwait(false);
            if (session is null || !session.IsInitialized || session.IsHttpSse2024 || !session.Owner.Admits(http))
            {
                await ErrorResponses.WriteAsync(http, RejectionReason.SessionNotFound).ConfigureAwait(false);
                return;
            }

            version = session.ProtocolVersion;
        }

        if (!McpBatchRules.IsAllowed(payload, version, out var reason))
        {
            await ErrorResponses.WriteAsync(http, 400, RequestId.None, JsonRpcErrorCode.InvalidRequest, "Invalid request: " + reason).ConfigureAwait(false);
            return;
        }

        using var collector = new BatchResponseCollector();
        var requests = new List<Task>();
        for (var i = 0; i < payload.Count; i++)
        {
            var item = payload[i];
            if (!item.IsValid)
            {
                var error = item.Error;
                collector.Add(static (w, o, e) => w.WriteError(o, e), error);
                continue;
            }

            var message = item.Message;
            switch (message.Kind)
            {
                case JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse:
                    if (session is not null)
                    {
                        await _dispatcher.RouteResponseAsync(session, message).ConfigureAwait(false);
                    }

                    break;
                case JsonRpcMessageKind.Notification:
                    await _dispatcher.DispatchNotificationAsync(new HttpNotificationContext(message, version, session, http)).ConfigureAwait(false);
                    break;
                default:
                    requests.Add(RunBatchRequestAsync(http, message, version, session, collector));
                    break;
            }
        }

        await Task.WhenAll(requests).ConfigureAwait(false);
        if (collector.Count == 0)
        {
            http.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var body = collector.Complete();
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        try
        {
            await http.Response.BodyWriter.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left.
        }
    }

    private async Task RunBatchRequestAsync(HttpContext http, JsonRpcMessage message, McpProtocolVersion version, McpSession? session, BatchResponseCollector collector)
    {
        await Task.Yield();
        using var inFlight = session is null ? new InFlightRequest(http.RequestAborted) : new InFlightRequest(session);
        switch (session?.TryBeginRequest(message.Id, inFlight, _options.MaxRequestsInFlightPerSession))
        {
            case RequestAdmission.TooMany:
                collector.Add(static (w, o, id) => w.WriteError(o, id, Rejections.GetErrorCode(RejectionReason.TooManyRequestsInFlight), Rejections.GetMessage(RejectionReason.TooManyRequestsInFlight)), message.Id);
                return;
            case RequestAdmission.DuplicateId:
                collector.Add(static (w, o, id) => w.WriteError(o, id, JsonRpcErrorCode.InvalidRequest, DuplicateIdMessage), message.Id);
                return;
        }

        try
        {
            var sink = collector.CreateSink();
            var context = new HttpRequestContext(message, version, session, http, sink, _options, default) { InFlight = inFlight };
            await _dispatcher.RunRequestAsync(context, sink).ConfigureAwait(false);
        }
        finally
        {
            session?.EndRequest(message.Id);
        }
    }
}

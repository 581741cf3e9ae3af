using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Transport.Dispatch;

/// <summary>
/// What happens to a message once its era and session are known, the same on every transport (Streamable HTTP with
/// JSON, SSE or batches, the 2024-11-05 HTTP+SSE transport, and stdio): the client's responses are routed to the
/// server's pending requests, notifications reach the handler (with <c>notifications/cancelled</c> and
/// <c>notifications/initialized</c> acted on first), and a request is run so that it always ends with an answer
/// unless it was cancelled.
/// </summary>
internal sealed partial class MessageDispatcher(IMcpMessageHandler handler, ILogger logger)
{
    /// <summary>Matched by (session, id) only; unknown ids are dropped and logged, never answered (JR-18, SEC-12).</summary>
    public void RouteResponse(McpSession session, in JsonRpcMessage message)
    {
        if (session.PendingOutgoing.TryRemove(message.Id, out var pending))
        {
            pending.TrySetResult(message.Detach());
        }
        else
        {
            LogUnroutable(message.Id);
        }
    }

    /// <summary>Logs a response that no request is waiting for.</summary>
    public void LogUnroutable(RequestId id) => LogUnroutableResponse(logger, id);

    /// <summary>Acts on session notifications, then hands the notification to the handler; never answers (JR-09).</summary>
    public async Task DispatchNotificationAsync(McpNotificationContext context)
    {
        if (context.Session is { } session)
        {
            switch (context.Message.Method)
            {
                case McpMethod.NotificationsCancelled:
                    CancelInFlight(session, context.Message);
                    break;
                case McpMethod.Initialized:
                    session.ClientReady = true;
                    await session.SaveAsync().ConfigureAwait(false);
                    break;
            }
        }

        try
        {
            await handler.HandleNotificationAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Notifications are never answered, not even with an error (JR-09).
            LogNotificationFailed(logger, context.Message.MethodName, e);
        }
    }

    /// <summary>
    /// Runs a request: a handler that throws or returns without answering gets -32603 (never a hung request); a
    /// cancelled one ends without a response (UT-09), on <paramref name="sink"/> when the transport has one to end.
    /// </summary>
    public async Task RunRequestAsync(McpRequestContext context, IResponseSink? sink)
    {
        try
        {
            await handler.HandleRequestAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.IsCancellationRequested)
        {
            // Cancelled: no response (UT-09).
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, context.Message.MethodName, e);
            if (!context.HasResponded && !context.IsCancellationRequested)
            {
                await context.RespondErrorAsync(JsonRpcErrorCode.InternalError, "Internal error.").ConfigureAwait(false);
            }
        }

        if (!context.HasResponded)
        {
            if (context.IsCancellationRequested)
            {
                if (sink is not null)
                {
                    await sink.EndWithoutResponseAsync().ConfigureAwait(false);
                }
            }
            else
            {
                await context.RespondErrorAsync(JsonRpcErrorCode.InternalError, "Internal error: the request ended without an answer.").ConfigureAwait(false);
            }
        }
    }

    private void CancelInFlight(McpSession session, in JsonRpcMessage message)
    {
        CancelledNotificationParams? cancelled;
        try
        {
            cancelled = message.DeserializeParams(McpJsonContext.Default.CancelledNotificationParams);
        }
        catch (System.Text.Json.JsonException)
        {
            // Malformed cancellations are ignored (UT-10).
            return;
        }

        if (cancelled?.RequestId is not { } requestId || !session.InFlight.TryGetValue(requestId, out var request))
        {
            return;
        }

        LogCancelled(logger, requestId, cancelled.Reason);
        request.Cancel();
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Dropped a response with id {Id}: no request of this session is waiting for it.")]
    private static partial void LogUnroutableResponse(ILogger logger, RequestId id);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Request {Id} cancelled by the client: {Reason}")]
    private static partial void LogCancelled(ILogger logger, RequestId id, string? reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "The handler of {Method} failed.")]
    private static partial void LogHandlerFailed(ILogger logger, string? method, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "The handler of notification {Method} failed.")]
    private static partial void LogNotificationFailed(ILogger logger, string? method, Exception exception);
}

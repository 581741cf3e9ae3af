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
internal sealed partial class MessageDispatcher(IMcpMessageHandler handler, ILogger logger, ISessionBus? bus = null)
{
    /// <summary>
    /// Matched by (session, id) only (JR-18, SEC-12). An id no request here waits for goes to the other processes
    /// holding the session when there is a bus (the request may wait on another node); otherwise it is dropped and
    /// logged, never answered.
    /// </summary>
    public ValueTask RouteResponseAsync(McpSession session, in JsonRpcMessage message)
    {
        if (TryCompletePending(session, message))
        {
            return ValueTask.CompletedTask;
        }

        if (bus is not null && session.IsOutgoingIdOfAnotherCopy(message.Id))
        {
            return bus.PublishAsync(session.Id, OtherNodes.Serialize(message));
        }

        LogUnroutable(message.Id);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A message another process published for <paramref name="session"/> (through the bus): acted on here only, never
    /// published again. A response completes the request waiting here, if any; <c>notifications/cancelled</c> cancels
    /// the request running here, if any.
    /// </summary>
    public void ReceiveFromOtherNode(McpSession session, ReadOnlyMemory<byte> json)
    {
        if (!OtherNodes.TryRead(json, out var message))
        {
            return;
        }

        if (message.Kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse)
        {
            TryCompletePending(session, message);
        }
        else if (message.Method == McpMethod.NotificationsCancelled)
        {
            CancelInFlight(session, message);
        }
    }

    private static bool TryCompletePending(McpSession session, in JsonRpcMessage message)
    {
        if (!session.PendingOutgoing.TryRemove(message.Id, out var pending))
        {
            return false;
        }

        pending.TrySetResult(message.Detach());
        return true;
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
                    if (!CancelInFlight(session, context.Message) && bus is not null)
                    {
                        // The request may run on another node that holds the session.
                        await bus.PublishAsync(session.Id, OtherNodes.Serialize(context.Message)).ConfigureAwait(false);
                    }

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

    /// <summary>Cancels the request the notification names; false when no request of that id runs here.</summary>
    private bool CancelInFlight(McpSession session, in JsonRpcMessage message)
    {
        CancelledNotificationParams? cancelled;
        try
        {
            cancelled = message.DeserializeParams(McpJsonContext.Default.CancelledNotificationParams);
        }
        catch (System.Text.Json.JsonException)
        {
            // Malformed cancellations are ignored (UT-10).
            return true;
        }

        if (cancelled?.RequestId is not { } requestId)
        {
            return true;
        }

        if (!session.InFlight.TryGetValue(requestId, out var request))
        {
            return false;
        }

        LogCancelled(logger, requestId, cancelled.Reason);
        request.Cancel();
        return true;
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

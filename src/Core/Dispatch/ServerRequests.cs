using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport.Dispatch;

/// <summary>Where a request's own messages can be written: its response stream, a batch, stdio's output.</summary>
internal interface IMessageSink
{
    /// <summary>Writes one message; false when it cannot be delivered.</summary>
    ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state);
}

/// <summary>
/// Server-to-client requests of a 2025 session, the same on every transport: an id from the session's generator
/// (never reused, JR-03), the answer matched in the session's pending table (JR-18), a bounded wait; on timeout the
/// client is told to stop (<c>notifications/cancelled</c>, LC-18).
/// </summary>
internal static class ServerRequests
{
    public static async ValueTask<JsonRpcMessage> SendAsync<T, TSink>(
        TSink sink, McpSession session, string method, T @params, JsonTypeInfo<T> typeInfo, TimeSpan timeout,
        string cannotSend, CancellationToken requestCancellation, CancellationToken cancellationToken)
        where TSink : IMessageSink
    {
        var id = session.OutgoingIds.Next();
        var pending = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.PendingOutgoing[id] = pending;
        try
        {
            if (!await sink.SendAsync(static (w, o, s) => w.WriteRequest(o, s.id, s.method, s.@params, s.typeInfo), (id, method, @params, typeInfo)).ConfigureAwait(false))
            {
                throw new InvalidOperationException(cannotSend);
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, requestCancellation, session.Ended);
            limit.CancelAfter(timeout);
            try
            {
                return await pending.Task.WaitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !requestCancellation.IsCancellationRequested && !session.Ended.IsCancellationRequested)
            {
                await sink.SendAsync(static (w, o, s) => w.WriteCancelledNotification(o, s, "timeout"), id).ConfigureAwait(false);
                throw new TimeoutException($"The client did not answer {method} within {timeout.TotalSeconds:0} s.");
            }
        }
        finally
        {
            session.PendingOutgoing.TryRemove(id, out _);
        }
    }
}

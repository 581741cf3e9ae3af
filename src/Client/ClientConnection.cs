using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Sse;

namespace Mcp.Raw.Client;

/// <summary>One way of carrying messages to a server: Streamable HTTP, the 2024-11-05 HTTP+SSE transport, or stdio.</summary>
internal abstract class ClientConnection : IAsyncDisposable
{
    protected ClientConnection(Func<JsonRpcMessage, ValueTask> onIncoming) => OnIncoming = onIncoming;

    /// <summary>
    /// The reader's own size limit is off: every message reaches it already bounded by
    /// <see cref="McpClientOptions.MaxMessageBytes"/> (a larger one fails the call rather than being dropped unseen).
    /// </summary>
    internal static JsonRpcReaderOptions ReaderOptions { get; } = new() { MaxMessageBytes = int.MaxValue };

    /// <summary>Receives every notification and server-to-client request (detached from any buffer).</summary>
    protected Func<JsonRpcMessage, ValueTask> OnIncoming { get; }

    /// <summary>Sends a request and returns its response (or error response), detached.</summary>
    public abstract Task<JsonRpcMessage> SendRequestAsync(RequestId id, ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken);

    /// <summary>Sends a notification or a response.</summary>
    public abstract Task SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>For transports whose answers arrive elsewhere: register the id, send, wait for the answer.</summary>
    protected async Task<JsonRpcMessage> SendCorrelatedAsync(PendingRequests pending, RequestId id, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var answer = pending.Add(id);
        try
        {
            await SendAsync(body, cancellationToken).ConfigureAwait(false);
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            pending.Remove(id);
        }
    }

    /// <summary>The parser's size limit (McpClientOptions.MaxMessageBytes) surfaces as a client error.</summary>
    private static bool TryReadEvent(SseParser parser, ref ReadOnlySequence<byte> buffer, out SseEvent sse)
    {
        try
        {
            return parser.TryReadEvent(ref buffer, out sse);
        }
        catch (InvalidDataException e)
        {
            throw new McpClientException("The server sent an SSE event or line larger than McpClientOptions.MaxMessageBytes; the stream was closed.", e);
        }
    }

    /// <summary>Reads an SSE body, handing each message to <paramref name="onMessage"/>; returns true when it says stop.</summary>
    protected static async Task<bool> ReadEventsAsync(Stream body, SseParser parser, Func<JsonRpcMessage, ValueTask<bool>> onMessage, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(body);
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    return false;
                }
                catch (HttpRequestException)
                {
                    return false;
                }

                var buffer = result.Buffer;
                while (TryReadEvent(parser, ref buffer, out var sse))
                {
                    // TR-47: an event with empty data (priming) only moves the last event id; comments never reach here.
                    if (sse.IsEmpty || (sse.EventType.Length > 0 && sse.EventType != "message"))
                    {
                        continue;
                    }

                    if (!JsonRpcReader.TryReadMessage(new ReadOnlySequence<byte>(sse.Data), out var message, out _, ClientConnection.ReaderOptions))
                    {
                        continue;
                    }

                    if (await onMessage(message.Detach()).ConfigureAwait(false))
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        return true;
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return false;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Thrown when the server answers 404 for our session (TR-55): the client initializes again, once.</summary>
internal sealed class SessionExpiredException : Exception
{
    public SessionExpiredException()
        : base("The server no longer knows this session.")
    {
    }

    public SessionExpiredException(string message)
        : base(message)
    {
    }

    public SessionExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An HTTP answer that carried no JSON-RPC message (for the era probe, M-CL-10).</summary>
internal sealed class HttpStatusException(int status, string? body) : Exception($"HTTP {status}" + (string.IsNullOrEmpty(body) ? string.Empty : ": " + (body.Length > 200 ? body[..200] : body)))
{
    public int Status { get; } = status;
}

/// <summary>
/// Correlates responses by id for transports whose answers arrive on a separate channel (HTTP+SSE, stdio).
/// <see cref="FailAll"/> is terminal: the channel has ended, so a request added afterwards fails at once instead of
/// waiting for an answer that cannot come.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>> _pending = new();
    private volatile Exception? _failure;

    public TaskCompletionSource<JsonRpcMessage> Add(RequestId id)
    {
        var tcs = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;

        // FailAll sets the failure before it sweeps, so either its sweep sees this entry or this check sees the failure.
        if (_failure is { } failure && _pending.TryRemove(id, out _))
        {
            tcs.TrySetException(failure);
        }

        return tcs;
    }

    public void Remove(RequestId id) => _pending.TryRemove(id, out _);

    public bool TryComplete(JsonRpcMessage message) => _pending.TryRemove(message.Id, out var tcs) && tcs.TrySetResult(message);

    public void FailAll(Exception e)
    {
        _failure ??= e;
        foreach (var (id, tcs) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                tcs.TrySetException(e);
            }
        }
    }
}

using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport.Handling;

/// <summary>
/// A request being served: the message, its era, and the one way to talk back on the request's own stream
/// (progress, log messages, server-to-client requests, and finally the response; SV-28, UT-06).
/// </summary>
public abstract class McpRequestContext : McpNotificationContext
{
    private protected McpRequestContext(JsonRpcMessage message, McpProtocolVersion version, McpSession? session)
        : base(message, version, session)
    {
    }

    private protected McpRequestContext(JsonRpcMessage message, McpProtocolVersion version, McpSession? session, ClaimsPrincipal user, IServiceProvider services)
        : base(message, version, session, user, services)
    {
    }

    /// <summary>
    /// Fires when the request must stop: <c>notifications/cancelled</c> or the session's end in the 2025 eras (a dropped
    /// connection is not a cancellation there, TR-25); the response stream closing in 2026-07-28 (M-TR-20, M-TR-21).
    /// </summary>
    public abstract CancellationToken Cancellation { get; }

    /// <summary>Whether the response was sent.</summary>
    public abstract bool HasResponded { get; }

    /// <summary>
    /// Whether the request was cancelled. Cheaper than <c>Cancellation.IsCancellationRequested</c>: a transport knows it
    /// without making the token (and its source) to find out.
    /// </summary>
    public virtual bool IsCancellationRequested => Cancellation.IsCancellationRequested;

    /// <summary>
    /// The client's capabilities: from the session (2025) or from this request's envelope (2026-07-28, never from an
    /// earlier request, M-RQ-04).
    /// </summary>
    public ClientCapabilities? ClientCapabilities
    {
        get
        {
            if (!_capabilitiesRead)
            {
                _capabilities = Session?.ClientCapabilities ?? ReadEnvelopeCapabilities();
                _capabilitiesRead = true;
            }

            return _capabilities;
        }
    }

    private ClientCapabilities? _capabilities;
    private bool _capabilitiesRead;

    /// <summary>The 2026-07-28 <c>_meta</c> clientCapabilities of this request, or null (also when malformed).</summary>
    private ClientCapabilities? ReadEnvelopeCapabilities()
    {
        if (Message.Envelope.ClientCapabilitiesKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(Message.Envelope.ClientCapabilities);
            return JsonSerializer.Deserialize(ref reader, McpJsonContext.Default.ClientCapabilities);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Sends a notification related to this request on its stream. False when it could not be delivered.</summary>
    public ValueTask<bool> SendNotificationAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return SendAsync(static (w, o, s) => w.WriteNotification(o, s.method, s.@params, s.typeInfo), (method, @params, typeInfo));
    }

    /// <summary>Sends a message written by a callback on this request's stream (allocation-free for hot paths).</summary>
    public ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        ArgumentNullException.ThrowIfNull(write);
        return SendCoreAsync(write, state);
    }

    /// <summary>Sends on the request's stream: its own response, a batch's, a shared stream, stdio's output.</summary>
    private protected abstract ValueTask<bool> SendCoreAsync<TState>(McpMessageWriter<TState> write, TState state);

    /// <summary>
    /// Sends a request to the client on this request's stream and waits for its answer (2025 eras only; in 2026-07-28
    /// use an MRTR round instead). Throws <see cref="InvalidOperationException"/> when the stream cannot carry it and
    /// <see cref="TimeoutException"/> after <see cref="StreamableHttpOptions.ServerRequestTimeout"/>.
    /// </summary>
    public abstract ValueTask<JsonRpcMessage> SendRequestAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default);

    /// <summary>Sends the result.</summary>
    public ValueTask RespondAsync<T>(T result, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return RespondCoreAsync(static (w, o, s) => w.WriteResponse(o, s.id, s.result, s.typeInfo), (id: Message.Id, result, typeInfo), 0, isError: false);
    }

    /// <summary>Sends a result written by a callback.</summary>
    public ValueTask RespondAsync<TState>(Action<Utf8JsonWriter, TState> writeResult, TState state)
    {
        ArgumentNullException.ThrowIfNull(writeResult);
        return RespondCoreAsync(static (w, o, s) => w.WriteResponse(o, s.id, s.writeResult, s.state), (id: Message.Id, writeResult, state), 0, isError: false);
    }

    /// <summary>Sends an error response.</summary>
    public ValueTask RespondErrorAsync(int code, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RespondCoreAsync(static (w, o, s) => w.WriteError(o, s.id, s.code, s.message), (id: Message.Id, code, message), code, isError: true);
    }

    /// <summary>Sends an error response with typed data.</summary>
    public ValueTask RespondErrorAsync<T>(int code, string message, T data, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return RespondCoreAsync(static (w, o, s) => w.WriteError(o, s.id, s.code, s.message, s.data, s.typeInfo), (id: Message.Id, code, message, data, typeInfo), code, isError: true);
    }

    /// <summary>
    /// Refuses the request because a limit is reached (too many subscriptions or listen streams): a -32603 error
    /// saying so; over HTTP, when the response has not started, with <paramref name="httpStatus"/> (429 for a
    /// client's own quota, 503 for the server's) and <c>Retry-After</c>.
    /// </summary>
    public virtual ValueTask RespondLimitReachedAsync(int httpStatus, string message, TimeSpan retryAfter) => RespondErrorAsync(JsonRpcErrorCode.InternalError, message);

    /// <summary>
    /// Ends the HTTP response now while the request goes on; the client resumes with GET and <c>Last-Event-ID</c>
    /// after the retry interval (2025-11-25 SSE polling, TR-21). False when the stream is not resumable.
    /// </summary>
    public abstract ValueTask<bool> DisconnectForPollingAsync();

    private protected abstract ValueTask RespondCoreAsync<TState>(McpMessageWriter<TState> write, TState state, int errorCode, bool isError);
}

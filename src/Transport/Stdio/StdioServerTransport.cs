using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Transport.Stdio;

/// <summary>
/// The stdio transport (the spec's first transport): newline-delimited JSON-RPC on an input and an output stream,
/// one connection, one session. 2025-era messages follow the <c>initialize</c> lifecycle; a request whose
/// <c>_meta</c> claims 2026-07-28 is served statelessly under that revision's rules. Requests run concurrently;
/// <c>notifications/cancelled</c> cancels them (in both eras on stdio); the output is written one whole line at a time.
/// </summary>
public sealed partial class StdioServerTransport : IAsyncDisposable
{
    private static readonly ClaimsPrincipal s_user = new(new ClaimsIdentity());
    private readonly IMcpMessageHandler _handler;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly TimeSpan _serverRequestTimeout;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<RequestId, CancellationTokenSource> _inFlight = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly JsonRpcWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Stream? _output;

    /// <summary>Creates the transport.</summary>
    public StdioServerTransport(IMcpMessageHandler handler, IServiceProvider services, ILogger logger, TimeSpan? serverRequestTimeout = null)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _services = services ?? throw new ArgumentNullException(nameof(services));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _serverRequestTimeout = serverRequestTimeout ?? TimeSpan.FromSeconds(60);
        Session = new McpSession("stdio", "stdio", McpProtocolVersions.DefaultWithoutHeader, Environment.TickCount64);
    }

    /// <summary>The connection's session (2025 eras).</summary>
    public McpSession Session { get; }

    /// <summary>Maximum size of one line (one message).</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Reads messages from <paramref name="input"/> until it ends, answering on <paramref name="output"/>.</summary>
    public async Task RunAsync(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        _output = output ?? throw new ArgumentNullException(nameof(output));
        var reader = PipeReader.Create(input, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    await OnLineAsync(line).ConfigureAwait(false);
                }

                if (buffer.Length > MaxMessageBytes)
                {
                    await WriteAsync(static (w, o, _) => w.WriteError(o, RequestId.None, JsonRpcErrorCode.InvalidRequest, "Message too large."), 0).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.End);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        await OnLineAsync(buffer).ConfigureAwait(false);
                        buffer = buffer.Slice(buffer.End);
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }

        // Input closed: the client is gone (LC-17). Let running requests finish their answers, then stop.
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync().ConfigureAwait(false);
        foreach (var cts in _inFlight.Values)
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }

        await Session.DisposeAsync().ConfigureAwait(false);
        _closed.Dispose();
        _writeLock.Dispose();
        _writer.Dispose();
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    private async ValueTask OnLineAsync(ReadOnlySequence<byte> line)
    {
        if (!line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (line.IsEmpty)
        {
            return;
        }

        var payload = JsonRpcReader.Read(line);
        if (payload.HasBodyError)
        {
            var error = payload.BodyError;
            await WriteAsync(static (w, o, e) => w.WriteError(o, e), error).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < payload.Count; i++)
        {
            var item = payload[i];
            if (!item.IsValid)
            {
                var error = item.Error;
                await WriteAsync(static (w, o, e) => w.WriteError(o, e), error).ConfigureAwait(false);
                continue;
            }

            await OnMessageAsync(item.Message.Detach()).ConfigureAwait(false);
        }
    }

    private async ValueTask OnMessageAsync(JsonRpcMessage message)
    {
        switch (message.Kind)
        {
            case JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse:
                if (Session.PendingOutgoing.TryRemove(message.Id, out var pending))
                {
                    pending.TrySetResult(message);
                }

                return;
            case JsonRpcMessageKind.Notification:
                await OnNotificationAsync(message).ConfigureAwait(false);
                return;
        }

        // A request: its era, then run it concurrently.
        McpProtocolVersion version;
        McpSession? session;
        if (message.Envelope.HasProtocolVersion && message.Envelope.GetProtocolVersionString() is { } claimed && McpProtocolVersions.IsModernClaim(claimed))
        {
            if (!McpProtocolVersions.TryParse(claimed, out version) || !version.IsModern())
            {
                await WriteAsync(static (w, o, s) => w.WriteError(o, s.Id, JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", s.Data, McpJsonContext.Default.UnsupportedProtocolVersionErrorData),
                    (message.Id, Data: new UnsupportedProtocolVersionErrorData { Supported = [.. McpProtocolVersions.All.OrderDescending().Select(v => v.ToVersionString())], Requested = claimed })).ConfigureAwait(false);
                return;
            }

            if (message.Envelope.ClientCapabilitiesKind != System.Text.Json.JsonValueKind.Object)
            {
                // M-RQ-01: every 2026-07-28 request declares its capabilities ({} for none).
                await WriteAsync(static (w, o, id) => w.WriteError(o, id, JsonRpcErrorCode.InvalidParams, "Invalid params: _meta[\"io.modelcontextprotocol/clientCapabilities\"] must be an object."), message.Id).ConfigureAwait(false);
                return;
            }

            session = null;
        }
        else
        {
            version = message.Method == McpMethod.Initialize ? McpProtocolVersions.DefaultWithoutHeader : Session.ProtocolVersion;
            session = Session;
        }

        var cts = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        if (!_inFlight.TryAdd(message.Id, cts))
        {
            cts.Dispose();
            await WriteAsync(static (w, o, id) => w.WriteError(o, id, JsonRpcErrorCode.InvalidRequest, "A request with this id is already in flight."), message.Id).ConfigureAwait(false);
            return;
        }

        var context = new StdioRequestContext(this, message, version, session, cts.Token);
        var task = RunRequestAsync(context, cts);
        if (message.Method == McpMethod.Initialize)
        {
            // The lifecycle is ordered on one connection: what follows initialize runs under the negotiated version.
            await task.ConfigureAwait(false);
            return;
        }

        _running.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunRequestAsync(StdioRequestContext context, CancellationTokenSource cts)
    {
        await Task.Yield();
        try
        {
            await _handler.HandleRequestAsync(context).ConfigureAwait(false);
            if (!context.HasResponded && !cts.IsCancellationRequested)
            {
                await context.RespondErrorAsync(JsonRpcErrorCode.InternalError, "Internal error: the request ended without an answer.").ConfigureAwait(false);
            }

            if (context.Message.Method == McpMethod.Initialize && context.HasResponded && !context.RespondedWithError)
            {
                Session.IsInitialized = true;
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Cancelled: no response (UT-09).
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, context.Message.MethodName, e);
            if (!context.HasResponded && !cts.IsCancellationRequested)
            {
                await context.RespondErrorAsync(JsonRpcErrorCode.InternalError, "Internal error.").ConfigureAwait(false);
            }
        }
        finally
        {
            _inFlight.TryRemove(context.Message.Id, out _);
            cts.Dispose();
        }
    }

    private async ValueTask OnNotificationAsync(JsonRpcMessage message)
    {
        switch (message.Method)
        {
            case McpMethod.NotificationsCancelled:
                CancelledNotificationParams? cancelled = null;
                try
                {
                    cancelled = message.DeserializeParams(McpJsonContext.Default.CancelledNotificationParams);
                }
                catch (JsonException)
                {
                    // UT-10: malformed cancellations are ignored.
                }

                if (cancelled?.RequestId is { } id && _inFlight.TryGetValue(id, out var cts))
                {
                    LogCancelled(_logger, id, cancelled.Reason);
                    await cts.CancelAsync().ConfigureAwait(false);
                }

                break;
            case McpMethod.Initialized:
                Session.ClientReady = true;
                break;
        }

        try
        {
            await _handler.HandleNotificationAsync(new McpNotificationContext(message, Session.ProtocolVersion, Session, s_user, _services)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotificationFailed(_logger, message.MethodName, e);
        }
    }

    /// <summary>Writes one message as one line; false when the output is closed.</summary>
    internal async ValueTask<bool> WriteAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _buffer.ResetWrittenCount();
            write(_writer, _buffer, state);
            _buffer.GetSpan(1)[0] = (byte)'\n';
            _buffer.Advance(1);
            await _output!.WriteAsync(_buffer.WrittenMemory).ConfigureAwait(false);
            await _output.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal async ValueTask<JsonRpcMessage> SendRequestAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var id = Session.OutgoingIds.Next();
        var pending = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        Session.PendingOutgoing[id] = pending;
        try
        {
            if (!await WriteAsync(static (w, o, s) => w.WriteRequest(o, s.id, s.method, s.@params, s.typeInfo), (id, method, @params, typeInfo)).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The output is closed.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            timeout.CancelAfter(_serverRequestTimeout);
            try
            {
                return await pending.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_closed.IsCancellationRequested)
            {
                // LC-18: on timeout, tell the client to stop and stop waiting.
                await WriteAsync(static (w, o, s) => w.WriteCancelledNotification(o, s, "timeout"), id).ConfigureAwait(false);
                throw new TimeoutException($"The client did not answer {method} within {_serverRequestTimeout.TotalSeconds:0} s.");
            }
        }
        finally
        {
            Session.PendingOutgoing.TryRemove(id, out _);
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Error, Message = "The handler of {Method} failed (stdio).")]
    private static partial void LogHandlerFailed(ILogger logger, string? method, Exception exception);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "The handler of notification {Method} failed (stdio).")]
    private static partial void LogNotificationFailed(ILogger logger, string? method, Exception exception);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Request {Id} cancelled by the client: {Reason}")]
    private static partial void LogCancelled(ILogger logger, RequestId id, string? reason);

    private sealed class StdioRequestContext(StdioServerTransport transport, JsonRpcMessage message, McpProtocolVersion version, McpSession? session, CancellationToken cancellation)
        : McpRequestContext(message, version, session, s_user, transport._services)
    {
        private int _responded;

        public override CancellationToken Cancellation => cancellation;

        public override bool HasResponded => Volatile.Read(ref _responded) != 0;

        public bool RespondedWithError { get; private set; }

        private protected override ValueTask<bool> SendCoreAsync<TState>(McpMessageWriter<TState> write, TState state)
        {
            ArgumentNullException.ThrowIfNull(write);

            // UT-04 / UT-09: nothing for a request that was answered or cancelled.
            return HasResponded || cancellation.IsCancellationRequested ? new ValueTask<bool>(false) : transport.WriteAsync(write, state);
        }

        public override ValueTask<JsonRpcMessage> SendRequestAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(method);
            ArgumentNullException.ThrowIfNull(typeInfo);
            if (IsModern || Session is null)
            {
                throw new InvalidOperationException("Server-to-client requests need a 2025-era session; in 2026-07-28 ask through an InputRequiredResult (MRTR).");
            }

            return SendCoreAsync(method, @params, typeInfo, cancellationToken);
        }

        private async ValueTask<JsonRpcMessage> SendCoreAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cancellation);
            return await transport.SendRequestAsync(method, @params, typeInfo, linked.Token).ConfigureAwait(false);
        }

        public override ValueTask<bool> DisconnectForPollingAsync() => new(false);

        private protected override async ValueTask RespondCoreAsync<TState>(McpMessageWriter<TState> write, TState state, int errorCode, bool isError)
        {
            ArgumentNullException.ThrowIfNull(write);
            if (Interlocked.Exchange(ref _responded, 1) != 0)
            {
                return;
            }

            RespondedWithError = isError;
            await transport.WriteAsync(write, state).ConfigureAwait(false);
        }
    }
}

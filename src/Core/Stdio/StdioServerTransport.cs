using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Transport.Stdio;

/// <summary>
/// The stdio transport (the spec's first transport): newline-delimited JSON-RPC on an input and an output stream,
/// one connection, one session. 2025-era messages follow the <c>initialize</c> lifecycle; a request whose
/// <c>_meta</c> claims 2026-07-28 is served statelessly under that revision's rules. Requests run concurrently and go
/// through the same <see cref="MessageDispatcher"/> as HTTP's (in flight, <c>notifications/cancelled</c> in both eras,
/// the client's answers, the handler's failures) and the same <see cref="ServerRequests"/>; this type only frames
/// lines and writes the output one whole line at a time.
/// </summary>
public sealed class StdioServerTransport : IAsyncDisposable
{
    private static readonly ClaimsPrincipal s_user = new(new ClaimsIdentity());
    private readonly IServiceProvider _services;
    private readonly MessageDispatcher _dispatcher;
    private readonly OutputSink _sink;
    private readonly TimeSpan _serverRequestTimeout;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly JsonRpcWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly ISessionStore? _store;
    private Stream? _output;
    private McpSession? _session;

    /// <summary>Creates the transport.</summary>
    public StdioServerTransport(IMcpMessageHandler handler, IServiceProvider services, ILogger logger, TimeSpan? serverRequestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(logger);
        _services = services ?? throw new ArgumentNullException(nameof(services));
        _dispatcher = new MessageDispatcher(handler, logger);
        _sink = new OutputSink(this);
        _serverRequestTimeout = serverRequestTimeout ?? TimeSpan.FromSeconds(60);
        _store = services.GetService(typeof(ISessionStore)) as ISessionStore;
    }

    /// <summary>
    /// The connection's session (2025 eras), made when <see cref="RunAsync"/> starts. It lives in the registered
    /// <see cref="ISessionStore"/>, the one registry of sessions, so that what goes to every session (list changes,
    /// resource updates) reaches this connection too; it goes out on the output between the answers.
    /// </summary>
    public McpSession Session => _session ?? throw new InvalidOperationException("The session is made when RunAsync starts.");

    /// <summary>Maximum size of one line (one message).</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The most requests served at once; one more is refused with -32603 until one completes. Default 1,000.</summary>
    public int MaxRequestsInFlight { get; init; } = 1_000;

    /// <summary>Reads messages from <paramref name="input"/> until it ends, answering on <paramref name="output"/>.</summary>
    public async Task RunAsync(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _session ??= await CreateSessionAsync(cancellationToken).ConfigureAwait(false);
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
        // Ending the session cancels every request in flight and every server-to-client request waiting.
        if (_session is { } session)
        {
            if (_store is null || !await _store.RemoveAsync(session.Id, CancellationToken.None).ConfigureAwait(false))
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        _writeLock.Dispose();
        _writer.Dispose();
    }

    /// <summary>
    /// The connection's session, through the store; one of its own when there is no store or the store refuses (the
    /// table full of sessions that cannot be evicted): the connection still works, but nothing sent to every session
    /// reaches it.
    /// </summary>
    private async ValueTask<McpSession> CreateSessionAsync(CancellationToken cancellationToken)
    {
        var session = _store is null ? null : (await _store.CreateAsync(McpProtocolVersions.DefaultWithoutHeader, httpSse2024: false, SessionOwner.Local, cancellationToken).ConfigureAwait(false)).Session;
        session ??= new McpSession(SessionIdGenerator.NewSessionId(), SessionIdGenerator.NewTag(), McpProtocolVersions.DefaultWithoutHeader, Environment.TickCount64);
        lock (session.StandaloneLock)
        {
            // The output is the connection's standalone stream: the session is never idle while it is open.
            session.Standalone = new OutputStandalone(this);
        }

        return session;
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
                await _dispatcher.RouteResponseAsync(Session, message).ConfigureAwait(false);
                return;
            case JsonRpcMessageKind.Notification:
                // The connection's session carries cancellation for both eras: a 2026-07-28 request is in its table too.
                await _dispatcher.DispatchNotificationAsync(new McpNotificationContext(message, Session.ProtocolVersion, Session, s_user, _services)).ConfigureAwait(false);
                return;
        }

        // A request: its era (the one classifier, by the body alone), then run it concurrently.
        var era = EraClassifier.ClassifyHeaderless(message, EraClassifier.DefaultModernVersions);
        McpProtocolVersion version;
        McpSession? session;
        switch (era.Kind)
        {
            case EraDecisionKind.Refuse:
                await WriteAsync(static (w, o, s) => w.WriteError(o, s.Id, JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", s.Data, McpJsonContext.Default.UnsupportedProtocolVersionErrorData),
                    (message.Id, Data: EraClassifier.UnsupportedVersion(era.Requested!, EraClassifier.DefaultModernVersions))).ConfigureAwait(false);
                return;
            case EraDecisionKind.Modern2026:
                if (message.Envelope.ClientCapabilitiesKind != System.Text.Json.JsonValueKind.Object)
                {
                    await WriteAsync(static (w, o, id) => w.WriteError(o, id, JsonRpcErrorCode.InvalidParams, EraClassifier.MissingCapabilities), message.Id).ConfigureAwait(false);
                    return;
                }

                version = era.Version;
                session = null;
                break;
            default:
                version = message.Method == McpMethod.Initialize ? McpProtocolVersions.DefaultWithoutHeader : Session.ProtocolVersion;
                session = Session;
                break;
        }

        var inFlight = new InFlightRequest(Session);
        switch (Session.TryBeginRequest(message.Id, inFlight, MaxRequestsInFlight))
        {
            case RequestAdmission.TooMany:
                inFlight.Dispose();
                await WriteAsync(static (w, o, id) => w.WriteError(o, id, JsonRpcErrorCode.InternalError, "Too many requests in flight: retry after one completes."), message.Id).ConfigureAwait(false);
                return;
            case RequestAdmission.DuplicateId:
                inFlight.Dispose();
                await WriteAsync(static (w, o, id) => w.WriteError(o, id, JsonRpcErrorCode.InvalidRequest, "A request with this id is already in flight."), message.Id).ConfigureAwait(false);
                return;
        }

        var context = new StdioRequestContext(this, message, version, session, inFlight);
        var task = RunRequestAsync(context, inFlight);
        if (message.Method == McpMethod.Initialize)
        {
            // The lifecycle is ordered on one connection: what follows initialize runs under the negotiated version.
            await task.ConfigureAwait(false);
            return;
        }

        _running.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunRequestAsync(StdioRequestContext context, InFlightRequest inFlight)
    {
        await Task.Yield();
        try
        {
            await _dispatcher.RunRequestAsync(context, sink: null).ConfigureAwait(false);
            if (context.Message.Method == McpMethod.Initialize && context.HasResponded && !context.RespondedWithError)
            {
                Session.IsInitialized = true;
                await Session.SaveAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Session.EndRequest(context.Message.Id);
            inFlight.Dispose();
        }
    }

    /// <summary>Writes one message as one line; false when the output is closed.</summary>
    internal async ValueTask<bool> WriteAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        try
        {
            await _writeLock.WaitAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The transport was disposed: the output is closed.
            return false;
        }

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

    /// <summary>The output as the session's standalone stream: unsolicited messages go out between the answers.</summary>
    private sealed class OutputStandalone(StdioServerTransport transport) : IStandaloneStream
    {
        public bool IsClientGone => false;

        // The session ended: the connection ends with RunAsync, there is nothing to cut here.
        public void Abort()
        {
        }

        public ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state) => transport.WriteAsync(write, state);
    }

    /// <summary>The output as a sink for <see cref="ServerRequests"/>.</summary>
    private sealed class OutputSink(StdioServerTransport transport) : IMessageSink
    {
        public ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state) => transport.WriteAsync(write, state);
    }

    private sealed class StdioRequestContext(StdioServerTransport transport, JsonRpcMessage message, McpProtocolVersion version, McpSession? session, InFlightRequest inFlight)
        : McpRequestContext(message, version, session, s_user, transport._services)
    {
        private int _responded;

        public override CancellationToken Cancellation => inFlight.Token;

        public override bool IsCancellationRequested => inFlight.IsCancellationRequested;

        public override bool HasResponded => Volatile.Read(ref _responded) != 0;

        public bool RespondedWithError { get; private set; }

        private protected override ValueTask<bool> SendCoreAsync<TState>(McpMessageWriter<TState> write, TState state)
        {
            ArgumentNullException.ThrowIfNull(write);

            // UT-04 / UT-09: nothing for a request that was answered or cancelled.
            return HasResponded || IsCancellationRequested ? new ValueTask<bool>(false) : transport.WriteAsync(write, state);
        }

        public override ValueTask<JsonRpcMessage> SendRequestAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(method);
            ArgumentNullException.ThrowIfNull(typeInfo);
            if (IsModern || Session is null)
            {
                throw new InvalidOperationException("Server-to-client requests need a 2025-era session; in 2026-07-28 ask through an InputRequiredResult (MRTR).");
            }

            return ServerRequests.SendAsync(transport._sink, Session, method, @params, typeInfo, transport._serverRequestTimeout, "The output is closed.", Cancellation, cancellationToken);
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

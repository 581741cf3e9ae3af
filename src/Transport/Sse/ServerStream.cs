using System.Buffers;
using System.Text;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Sse;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// The one writer of a response: a POST answered as JSON, or switched to SSE when a message comes before the
/// result (edge case 20), or a GET standalone stream. Messages never interleave (TR-36): an event on an open SSE
/// stream is formatted into the pending bytes under a short append lock, with no await, and a flush is requested for
/// when the producer yields; everything that waits on the response (flushes, the JSON answer, its end) is ordered
/// by one gate, and touches the pending bytes only under the append lock too. Resumable streams (2025 sessions) give every event an id and append it to the event store first, so a
/// dropped connection loses nothing: the stream goes on in the store and a GET with <c>Last-Event-ID</c> resumes it.
/// </summary>
internal sealed class ServerStream : IResponseSink, IAsyncDisposable, IThreadPoolWorkItem
{
    private enum Mode
    {
        Pending,
        Sse,
        Detached,
        Completed,
    }

    private readonly HttpContext _http;
    // Rented on first write: an idle GET stream holds no writer and no buffer.
    private StreamBuffers? _buffers;
    private readonly AsyncGate _gate = new();
    private JsonRpcWriter Writer => (_buffers ??= StreamBuffers.Rent()).Writer;

    private PooledBufferWriter Scratch => (_buffers ??= StreamBuffers.Rent()).Scratch;

    // SSE bytes not yet handed to Kestrel: events accumulate here and go into the response's PipeWriter in one write
    // per flush, so a burst of events costs one pass through Kestrel's locks, not two per event.
    private PooledBufferWriter Pending => (_buffers ??= StreamBuffers.Rent()).Pending;
    private readonly ContentNegotiation.Accepts _accepts;
    private readonly IEventStore? _store;
    private readonly StreamKey _key;
    private readonly bool _resumable;
    private readonly bool _priming;
    private readonly int _retryMilliseconds;
    private readonly SseEventType _eventType;
    private TaskCompletionSource? _ended;
    private int _isEnded;
    private Mode _mode;
    private TimeSpan _keepAliveInterval;
    private bool _keepAliveRegistered;
    private long _lastWrite;
    private bool _flushScheduled;
    private readonly ISynchronousEventStore? _syncStore;

    // 1 while a writer holds the append lock. It guards the buffers (writer, scratch, pending bytes), the mode,
    // HasResponded and the flush request, and is held only for synchronous work (formatting one event, handing the
    // pending bytes to Kestrel), never across an await; so a producer never waits for a flush in progress.
    private int _appending;

    // Above this many unflushed bytes a writer flushes inline and waits: the back-pressure bound per stream.
    private const int InlineFlushThreshold = 16 * 1024;

    public ServerStream(HttpContext http, ContentNegotiation.Accepts accepts, IEventStore? store, StreamKey key, bool priming, int retryMilliseconds, SseEventType eventType = default)
    {
        _eventType = eventType;
        _http = http;
        _accepts = accepts;
        _store = store;
        _key = key;
        _resumable = store is not null;
        _syncStore = store as ISynchronousEventStore;
        _priming = priming && store is not null;
        _retryMilliseconds = retryMilliseconds;
    }

    /// <summary>
    /// When set, an SSE response that stays silent this long gets a <c>:</c> comment (TR-34, M-TR-17): long-lived
    /// streams such as <c>subscriptions/listen</c> survive idle proxies. The timer starts only when the response
    /// becomes SSE, so JSON answers pay nothing for it.
    /// </summary>
    public TimeSpan KeepAliveInterval
    {
        get => _keepAliveInterval;
        set => _keepAliveInterval = value;
    }

    /// <summary>Runs when the client is gone (a write failed). Modern requests are cancelled by it (M-TR-20).</summary>
    public Action? ClientGone { get; set; }

    /// <summary>A header to add when the response starts (the new <c>Mcp-Session-Id</c> of <c>initialize</c>).</summary>
    public string? SessionIdHeader { get; set; }

    /// <summary>Whether the final response was written.</summary>
    public bool HasResponded { get; private set; }

    /// <summary>Whether the HTTP response is an SSE stream.</summary>
    public bool IsSse => _mode is Mode.Sse || (_mode is Mode.Detached or Mode.Completed && _http.Response.ContentType == "text/event-stream");

    /// <summary>Completes when the stream ends (for GET streams, which are ended from outside).</summary>
    public Task Ended
    {
        get
        {
            // Created on demand: only GET streams wait on it.
            var tcs = Volatile.Read(ref _ended);
            if (tcs is null)
            {
                tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                tcs = Interlocked.CompareExchange(ref _ended, tcs, null) ?? tcs;
            }

            if (Volatile.Read(ref _isEnded) != 0)
            {
                tcs.TrySetResult();
            }

            return tcs.Task;
        }
    }

    private void SignalEnded()
    {
        Volatile.Write(ref _isEnded, 1);
        Volatile.Read(ref _ended)?.TrySetResult();
    }

    public StreamKey Key => _key;

    /// <summary>
    /// Sends a message related to this stream (a notification or a server request). In JSON mode this switches the
    /// response to SSE; when the client accepts only JSON, the message is dropped (false).
    /// </summary>
    public ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        // The common case, an event on an open SSE stream whose store (if any) never waits: formatted under the append
        // lock and left for the requested flush. No gate, no await, nothing allocated.
        if (_mode == Mode.Sse && (!_resumable || _syncStore is not null))
        {
            EnterAppend();
            try
            {
                if (_mode == Mode.Sse && !HasResponded && Pending.WrittenCount < InlineFlushThreshold)
                {
                    WriteEventLocked(write, state);
                    RequestFlush();
                    return new ValueTask<bool>(true);
                }
            }
            finally
            {
                ExitAppend();
            }
        }

        return SendUnderGateAsync(write, state);
    }

    /// <summary>
    /// The rest: a stream that becomes SSE with this event, one over the back-pressure bound (flushed inline), one
    /// whose store may wait, or one that ended. Its async box is pooled.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> SendUnderGateAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (_mode == Mode.Completed || HasResponded)
            {
                // Nothing goes out after the response (UT-04, edge case 23).
                return false;
            }

            if (_mode == Mode.Pending)
            {
                if ((_accepts & ContentNegotiation.Accepts.EventStream) == 0)
                {
                    return false;
                }

                await StartSseAsync().ConfigureAwait(false);
            }

            await WriteEventAsync(write, state).ConfigureAwait(false);

            // A stream that cannot be resumed and whose client is gone delivered nothing: say so.
            return _resumable || _mode == Mode.Sse;
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the final response. As JSON when nothing was streamed yet (status chosen before the first byte:
    /// <paramref name="httpStatus"/>), otherwise as the last SSE event; then the HTTP response ends (TR-19).
    /// </summary>
    public async ValueTask RespondAsync<TState>(McpMessageWriter<TState> write, TState state, int httpStatus)
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (HasResponded || _mode == Mode.Completed)
            {
                return;
            }

            EnterAppend();
            HasResponded = true;
            ExitAppend();
            if (_mode == Mode.Pending && (_accepts & ContentNegotiation.Accepts.Json) == 0)
            {
                // The client accepts only SSE: answer as a stream of one event.
                await StartSseAsync().ConfigureAwait(false);
            }

            if (_mode == Mode.Pending)
            {
                Scratch.Clear();
                write(Writer, Scratch, state);
                var response = _http.Response;
                response.StatusCode = httpStatus;
                response.ContentType = "application/json";
                response.ContentLength = Scratch.WrittenCount;
                if (SessionIdHeader is not null)
                {
                    response.Headers[McpHeaders.SessionId] = SessionIdHeader;
                }

                await WriteBodyAsync(Scratch.WrittenMemory).ConfigureAwait(false);
                SetMode(Mode.Completed);
            }
            else
            {
                await WriteEventAsync(write, state).ConfigureAwait(false);
                await EndHttpResponseAsync().ConfigureAwait(false);
                if (_resumable)
                {
                    // Still attached after the response ended: the client has every event, and the store may let the
                    // stream go sooner than one the client must resume.
                    if (_mode == Mode.Sse)
                    {
                        await _store!.CompleteDeliveredAsync(_key).ConfigureAwait(false);
                    }
                    else
                    {
                        await _store!.CompleteAsync(_key).ConfigureAwait(false);
                    }
                }

                SetMode(Mode.Completed);
            }
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
            SignalEnded();
        }
    }

    /// <summary>Starts the SSE response now and sends its headers (GET streams).</summary>
    public async ValueTask StartAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (_mode == Mode.Pending)
            {
                await StartSseAsync(flush: true).ConfigureAwait(false);
            }
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether the client of this stream is known to be gone.</summary>
    public bool IsClientGone => _mode == Mode.Detached || _http.RequestAborted.IsCancellationRequested;

    /// <summary>Writes an event with raw data (the <c>endpoint</c> event of the HTTP+SSE transport).</summary>
    public async ValueTask WriteRawEventAsync(ReadOnlyMemory<byte> data, SseEventType type)
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (_mode == Mode.Pending)
            {
                await StartSseAsync().ConfigureAwait(false);
            }

            if (_mode == Mode.Sse)
            {
                EnterAppend();
                try
                {
                    SseFrameWriter.WriteEvent(Pending, data.Span, default, type);
                }
                finally
                {
                    ExitAppend();
                }

                await FlushAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes a keep-alive comment if the stream is open (TR-34, M-TR-17).</summary>
    public async ValueTask KeepAliveAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (_mode == Mode.Sse)
            {
                WriteKeepAliveComment();
                await FlushAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the HTTP response but not the logical stream (2025-11-25 polling, TR-21): later events go to the event
    /// store and the client resumes with GET and <c>Last-Event-ID</c>. Only for resumable streams.
    /// </summary>
    public async ValueTask<bool> DisconnectForPollingAsync()
    {
        if (!_resumable)
        {
            return false;
        }

        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (_mode == Mode.Pending)
            {
                await StartSseAsync().ConfigureAwait(false);
            }

            if (_mode != Mode.Sse)
            {
                return _mode == Mode.Detached;
            }

            // The priming event already carried an id and retry, so the client knows where and when to resume (TR-22).
            await EndHttpResponseAsync().ConfigureAwait(false);
            SetMode(Mode.Detached);
            return true;
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the stream without a response (a cancelled request, UT-09, or a GET stream whose session ended).
    /// </summary>
    public async ValueTask EndWithoutResponseAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            switch (_mode)
            {
                case Mode.Pending:
                    if (!_http.RequestAborted.IsCancellationRequested && !_http.Response.HasStarted)
                    {
                        // Nothing was sent: an empty stream when SSE is acceptable, else 204.
                        if ((_accepts & ContentNegotiation.Accepts.EventStream) != 0)
                        {
                            await StartSseAsync(flush: true).ConfigureAwait(false);
                        }
                        else
                        {
                            _http.Response.StatusCode = StatusCodes.Status204NoContent;
                        }
                    }

                    break;
                case Mode.Sse:
                    await EndHttpResponseAsync().ConfigureAwait(false);
                    break;
            }

            if (_resumable)
            {
                await _store!.CompleteAsync(_key).ConfigureAwait(false);
            }

            SetMode(Mode.Completed);
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
            SignalEnded();
        }
    }

    /// <summary>Ends a GET stream from outside (session ended); the GET handler then returns.</summary>
    public void Abort() => SignalEnded();

    public async ValueTask DisposeAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            SetMode(Mode.Completed);
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }

        if (_keepAliveRegistered)
        {
            // After _mode = Completed (under the gate): a tick that still sees this stream does nothing.
            KeepAliveScheduler.Unregister(this);
        }

        // Under the append lock: a producer that looked before the stream completed sees it completed now.
        EnterAppend();
        try
        {
            if (_buffers is not null)
            {
                StreamBuffers.Return(_buffers);
                _buffers = null;
            }
        }
        finally
        {
            ExitAppend();
        }
    }

    private async ValueTask StartSseAsync(bool flush = false)
    {
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.ContentEncoding = "identity";
        response.Headers[McpHeaders.AccelBuffering] = "no";
        if (SessionIdHeader is not null)
        {
            response.Headers[McpHeaders.SessionId] = SessionIdHeader;
        }

        _http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        SetMode(Mode.Sse);
        if (_keepAliveInterval > TimeSpan.Zero && !_keepAliveRegistered)
        {
            // One shared timer for every open SSE response; nothing per response but a registration.
            _keepAliveRegistered = true;
            KeepAliveScheduler.Register(this, _keepAliveInterval);
        }

        if (_priming)
        {
            if (_store is not null)
            {
                // Resumable from the priming event on, even before the first stored event (server-sse-polling).
                await _store.CreateAsync(_key).ConfigureAwait(false);
            }

            // The priming event: an id (sequence 0, "nothing seen yet") and empty data, sent before anything that
            // could be lost, with the retry interval (TR-15, TR-22, edge case 7).
            Span<byte> id = stackalloc byte[StreamEventId.MaxUtf8Length];
            var length = new StreamEventId(_key, 0).FormatUtf8(id);
            EnterAppend();
            try
            {
                SseFrameWriter.WritePrimingEvent(Pending, id[..length], _retryMilliseconds);
            }
            finally
            {
                ExitAppend();
            }
        }

        // A GET stream shows its headers at once; a POST stream's headers go out with its first event (or its end).
        if (flush)
        {
            await FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Under the gate: writes one event (to the store first when resumable), then flushes or asks for a flush.</summary>
    private async ValueTask WriteEventAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        if (!_resumable || _syncStore is not null)
        {
            EnterAppend();
            try
            {
                WriteEventLocked(write, state);
            }
            finally
            {
                ExitAppend();
            }
        }
        else
        {
            // A store that may wait: the JSON is made under the lock, appended outside it (only gate holders write to
            // such a stream, so the scratch buffer stays this writer's), and framed under it.
            EnterAppend();
            try
            {
                Scratch.Clear();
                write(Writer, Scratch, state);
            }
            finally
            {
                ExitAppend();
            }

            var sequence = await _store!.AppendAsync(_key, Scratch.WrittenMemory).ConfigureAwait(false);
            EnterAppend();
            try
            {
                if (_mode == Mode.Sse)
                {
                    StoredEventFrame.Write(Pending, new StreamEventId(_key, sequence), Scratch.WrittenSpan, _eventType);
                }
            }
            finally
            {
                ExitAppend();
            }
        }

        if (_mode == Mode.Sse)
        {
            await AfterEventAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Under the append lock: one event, formatted straight into the pending bytes; when resumable (with a store that
    /// never waits) it goes to the store first, so that nothing is lost if the connection is already gone.
    /// </summary>
    private void WriteEventLocked<TState>(McpMessageWriter<TState> write, TState state)
    {
        if (!_resumable)
        {
            if (_mode == Mode.Sse)
            {
                var pending = Pending;
                SseFrameWriter.BeginDataEvent(pending, default, _eventType);
                write(Writer, pending, state);
                SseFrameWriter.EndDataEvent(pending);
            }

            return;
        }

        var scratch = Scratch;
        scratch.Clear();
        write(Writer, scratch, state);
        var sequence = _syncStore!.Append(_key, scratch.WrittenSpan);
        if (_mode == Mode.Sse)
        {
            StoredEventFrame.Write(Pending, new StreamEventId(_key, sequence), scratch.WrittenSpan, _eventType);
        }
    }

    /// <summary>
    /// After an event: flush inline when much is pending (back-pressure), otherwise ask for one flush when the producer
    /// yields: a work item queued to this thread's local queue runs once the producer's synchronous run gives the
    /// thread back, so events written back to back leave in one write, while a lone event leaves as soon as the
    /// producer awaits something. Called under the gate; allocates nothing (the stream is the work item).
    /// </summary>
    private ValueTask AfterEventAsync()
    {
        EnterAppend();
        var over = Pending.WrittenCount >= InlineFlushThreshold;
        if (!over)
        {
            RequestFlush();
        }

        ExitAppend();
        return over ? FlushAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Under the append lock: queues the one flush for when the producer yields, unless one is queued.</summary>
    private void RequestFlush()
    {
        if (!_flushScheduled)
        {
            _flushScheduled = true;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    /// <summary>The requested flush. It never waits for the gate: when the gate is held, its holder flushes on exit.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        if (_gate.TryEnterOrDefer())
        {
            _ = FlushAndExitGateAsync();
        }
    }

    /// <summary>Leaves the gate, first doing a flush that was deferred to this holder.</summary>
    private ValueTask ExitGateAsync() => _gate.Exit() ? new ValueTask(FlushAndExitGateAsync()) : ValueTask.CompletedTask;

    /// <summary>Under the gate: flushes what was requested, then leaves (again, if more was deferred meanwhile). Never throws.</summary>
    private async Task FlushAndExitGateAsync()
    {
        do
        {
            try
            {
                // The request is cleared where the pending bytes are taken (FlushAsync), in the same locked step, so
                // an event appended after that asks for a flush of its own and is never stranded.
                EnterAppend();
                var flush = _flushScheduled && _mode == Mode.Sse;
                if (!flush)
                {
                    _flushScheduled = false;
                }

                ExitAppend();
                if (flush)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // FlushAsync turns the expected failures into client-gone; anything else must still not keep the gate
                // held, or every later writer of this stream would wait for ever.
            }
        }
        while (_gate.Exit());
    }

    private async ValueTask WriteBodyAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _http.Response.BodyWriter.WriteAsync(bytes).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            OnClientGone();
        }
    }

    /// <summary>Called by <see cref="KeepAliveScheduler"/>: a comment when idle for the interval; never waits for the gate.</summary>
    internal void KeepAliveTick(long now)
    {
        if (_mode != Mode.Sse || now - Volatile.Read(ref _lastWrite) < (long)_keepAliveInterval.TotalMilliseconds || !_gate.TryEnter())
        {
            return;
        }

        _ = KeepAliveUnderGateAsync();
    }

    private async Task KeepAliveUnderGateAsync()
    {
        try
        {
            if (_mode == Mode.Sse)
            {
                WriteKeepAliveComment();
                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // A failed write means the client is gone; FlushAsync recorded that where it could.
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask FlushAsync()
    {
        Volatile.Write(ref _lastWrite, Environment.TickCount64);
        try
        {
            EnterAppend();
            try
            {
                _flushScheduled = false;
                WritePending();
            }
            finally
            {
                ExitAppend();
            }

            var result = await _http.Response.BodyWriter.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted)
            {
                // The client is gone. Not an error: resumable streams go on in the store.
                OnClientGone();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            OnClientGone();
        }
    }

    /// <summary>Under the append lock: hands the pending SSE bytes to Kestrel in one write.</summary>
    private void WritePending()
    {
        if (_buffers is { Pending.WrittenCount: > 0 } buffers)
        {
            _http.Response.BodyWriter.Write(buffers.Pending.WrittenSpan);
            buffers.Pending.Clear();
        }
    }

    private async ValueTask EndHttpResponseAsync()
    {
        try
        {
            EnterAppend();
            try
            {
                WritePending();
            }
            finally
            {
                ExitAppend();
            }

            await _http.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            OnClientGone();
        }
    }

    private void OnClientGone()
    {
        if (_mode == Mode.Sse || _mode == Mode.Pending)
        {
            SetMode(Mode.Detached);
            if (!_resumable)
            {
                // Nothing can resume this stream: end the request, so its Cancellation fires and the work stops
                // (M-TR-20). Safe here: the mode was live, so the request has not ended.
                _http.Abort();
            }
        }

        ClientGone?.Invoke();
    }

    private void WriteKeepAliveComment()
    {
        EnterAppend();
        try
        {
            SseFrameWriter.WriteComment(Pending, "keep-alive"u8);
        }
        finally
        {
            ExitAppend();
        }
    }

    /// <summary>Changes the mode under the append lock (gate holders only): producers on the fast path read it there.</summary>
    private void SetMode(Mode mode)
    {
        EnterAppend();
        _mode = mode;
        ExitAppend();
    }

    private void EnterAppend()
    {
        if (Interlocked.CompareExchange(ref _appending, 1, 0) != 0)
        {
            SpinToEnterAppend();
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void SpinToEnterAppend()
    {
        // Held for a few hundred nanoseconds at most; SpinWait yields the thread when the holder is not running.
        var spin = default(SpinWait);
        do
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Interlocked.CompareExchange(ref _appending, 1, 0) != 0);
    }

    private void ExitAppend() => Volatile.Write(ref _appending, 0);
}

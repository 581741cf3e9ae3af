using System.Buffers;
using System.Text;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Sse;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Sessions;
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
internal sealed partial class ServerStream : IResponseSink, IStandaloneStream, IAsyncDisposable, IThreadPoolWorkItem
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
    private KeepAliveScheduler? _keepAlive;
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

    /// <summary>A header to add when the response starts (the new <c>Mcp-Session-Id</c> of <c>initialize</c>).</summary>
    public string? SessionIdHeader { get; set; }

    /// <summary>Whether the final response was written.</summary>
    public bool HasResponded { get; private set; }

    /// <summary>Whether the HTTP response is an SSE stream.</summary>
    public bool IsSse => _mode is Mode.Sse || (_mode is Mode.Detached or Mode.Completed && _http.Response.ContentType == "text/event-stream");

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
        if (_keepAlive is not null && !_keepAliveRegistered)
        {
            // One shared timer for every open SSE response; nothing per response but a registration.
            _keepAliveRegistered = true;
            _keepAlive.Register(this);
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

    /// <summary>Changes the mode under the append lock (gate holders only): producers on the fast path read it there.</summary>
    private void SetMode(Mode mode)
    {
        EnterAppend();
        _mode = mode;
        ExitAppend();
    }
}

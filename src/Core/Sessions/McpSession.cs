using System.Collections.Concurrent;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// A 2025-era session (Streamable HTTP with <c>Mcp-Session-Id</c>, or one HTTP+SSE connection of 2024-11-05).
/// Holds what the handshake fixed, the requests in flight (for <c>notifications/cancelled</c>), the server's own
/// pending requests (for routing the client's responses, JR-18) and the standalone stream.
/// </summary>
public sealed class McpSession : IAsyncDisposable
{
    private CancellationTokenSource? _ended;
    private long _lastActivity;
    private int _disposed;

    private readonly ISessionStore? _store;

    internal McpSession(string id, string tag, McpProtocolVersion transportVersion, long now, SessionOwner? owner = null)
    {
        Id = id;
        Tag = tag;
        ProtocolVersion = transportVersion;
        _lastActivity = now;
        Owner = owner ?? SessionOwner.Local;
    }

    /// <summary>
    /// Creates a session, for an <see cref="ISessionStore"/>: a new one, or this process's copy of one that another
    /// process made (then <see cref="Negotiate"/> and <see cref="RestoreLifecycle"/> bring it to the state recorded).
    /// </summary>
    /// <param name="id">The secret session id (visible ASCII, TR-49).</param>
    /// <param name="tag">The public tag in the session's event ids, unique among live sessions (letters, digits, <c>-</c>, <c>_</c>).</param>
    /// <param name="transportVersion">The version the transport saw before <c>initialize</c> was answered.</param>
    /// <param name="owner">Who created it (SEC-07).</param>
    /// <param name="httpSse2024">Whether it is a 2024-11-05 HTTP+SSE connection.</param>
    /// <param name="events">Where its streams' events are kept for resumption; null keeps none.</param>
    /// <param name="store">
    /// The store to tell when its lifecycle state changes (<see cref="ISessionStore.SaveAsync"/>); null for a store
    /// that needs no telling (the state lives in this object).
    /// </param>
    /// <param name="now">The time of its last activity, as a <see cref="TimeProvider"/> timestamp.</param>
    public McpSession(string id, string tag, McpProtocolVersion transportVersion, SessionOwner owner, bool httpSse2024, Events.IEventStore? events, ISessionStore? store, long now)
        : this(id, tag, transportVersion, now, owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(owner);
        IsHttpSse2024 = httpSse2024;
        EventStore = events;
        _store = store;

        // A store's session may have a copy on each node, each numbering its own streams: each copy numbers from a
        // random block of 2^22, so event ids of two copies do not meet (below 2^53, so clients may read them as numbers).
        _streams = (long)System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 1 << 30) << 22;

        // Likewise the server's own request ids: an answer that reaches every copy completes only the one waiting.
        _copyTag = SessionIdGenerator.NewTag();
    }

    private readonly string? _copyTag;

    /// <summary>
    /// Whether <paramref name="id"/> has the shape of a request another copy of this session sent (<c>s{tag}-{n}</c>,
    /// not this copy's tag): only such an answer is worth sending to the other nodes; anything else is unknown (JR-18).
    /// </summary>
    internal bool IsOutgoingIdOfAnotherCopy(in RequestId id) =>
        _copyTag is not null && id.IsString && id.ToString() is { Length: > 10 } text && text[0] == 's' && text[9] == '-'
        && !text.AsSpan(1, 8).SequenceEqual(_copyTag);

    /// <summary>A new secret session id for a store to give a session: 128 random bits, Base64Url (TR-49, TR-50).</summary>
    public static string NewId() => SessionIdGenerator.NewSessionId();

    /// <summary>A new public tag for a store to give a session: 48 random bits, Base64Url; a store keeps live tags unique.</summary>
    public static string NewTag() => SessionIdGenerator.NewTag();

    /// <summary>
    /// Brings this process's copy of a session to the lifecycle state another process recorded (a store restoring
    /// one); the version and the client's capabilities come through <see cref="Negotiate"/>.
    /// </summary>
    public void RestoreLifecycle(bool initialized, bool clientReady)
    {
        IsInitialized = initialized;
        ClientReady = clientReady;
    }

    /// <summary>
    /// Whether the session is at work: a request in flight, a handshake being answered, or an open standalone stream.
    /// A store never evicts a session that is.
    /// </summary>
    public bool IsActive => ActiveRequests > 0 || Standalone is not null;

    /// <summary>Whether this process holds the session's standalone stream (a 2025 GET, the 2024-11-05 connection, stdio's output).</summary>
    public bool HasOpenStream => Standalone is not null;

    /// <summary>When the session was last active, as a <see cref="TimeProvider"/> timestamp of its store's clock.</summary>
    public long LastActivityTimestamp => LastActivity;

    /// <summary>Tells the store that the lifecycle state changed (initialize answered, the client ready).</summary>
    internal ValueTask SaveAsync() => _store is null ? ValueTask.CompletedTask : _store.SaveAsync(this, CancellationToken.None);

    /// <summary>Who created the session; only that principal, on that mapping, can use it (SEC-07).</summary>
    public SessionOwner Owner { get; }

    /// <summary>The secret session id (<c>Mcp-Session-Id</c>).</summary>
    public string Id { get; }

    /// <summary>A public random tag used in event ids.</summary>
    public string Tag { get; }

    /// <summary>The negotiated version: the transport's until the handler answers <c>initialize</c> (LC-09).</summary>
    public McpProtocolVersion ProtocolVersion { get; private set; }

    /// <summary>The client's capabilities from <c>initialize</c> (LC-13).</summary>
    public ClientCapabilities? ClientCapabilities { get; private set; }

    /// <summary>The client's implementation info from <c>initialize</c>.</summary>
    public Implementation? ClientInfo { get; private set; }

    /// <summary>
    /// What the handler's answer to <c>initialize</c> fixed: the negotiated version, and the client's capabilities and
    /// implementation (LC-09, LC-13). A handler calls it as it answers <c>initialize</c>.
    /// </summary>
    public void Negotiate(McpProtocolVersion version, ClientCapabilities? capabilities, Implementation? clientInfo)
    {
        if (version.IsModern() || version == McpProtocolVersion.Unknown)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "A session negotiates a 2024-11-05 .. 2025-11-25 version.");
        }

        ProtocolVersion = version;
        ClientCapabilities = capabilities;
        ClientInfo = clientInfo;
    }

    /// <summary>Whether <c>initialize</c> was answered successfully.</summary>
    public bool IsInitialized { get; internal set; }

    /// <summary>Whether <c>notifications/initialized</c> arrived (LC-06).</summary>
    public bool ClientReady { get; internal set; }

    /// <summary>Whether this session belongs to the 2024-11-05 HTTP+SSE transport.</summary>
    public bool IsHttpSse2024 { get; internal init; }

    /// <summary>Fires when the session ends (DELETE, expiry, shutdown).</summary>
    public CancellationToken Ended => (Volatile.Read(ref _ended) ?? CreateEnded()).Token;

    /// <summary>
    /// The source behind <see cref="Ended"/>, made on first use: an idle session that nobody watches holds none (W4).
    /// The creator publishes, then reads <c>_disposed</c>; DisposeAsync sets <c>_disposed</c>, then reads the source
    /// (both with full fences), so whichever runs second cancels it.
    /// </summary>
    private CancellationTokenSource CreateEnded()
    {
        var created = new CancellationTokenSource();
        if (Interlocked.CompareExchange(ref _ended, created, null) is { } raced)
        {
            created.Dispose();
            return raced;
        }

        if (IsDisposed)
        {
            created.Cancel();
        }

        return created;
    }

    private ConcurrentDictionary<string, object>? _items;

    /// <summary>Application state for this session, created on first use (an idle session costs nothing for it).</summary>
    public ConcurrentDictionary<string, object> Items => LazyInitializer.EnsureInitialized(ref _items, static () => new ConcurrentDictionary<string, object>(StringComparer.Ordinal));

    /// <summary>The message handler's own state for this session (one object, no dictionary: W4 memory per idle session).</summary>
    public object? HandlerState
    {
        get => Volatile.Read(ref _handlerState);
        set => Volatile.Write(ref _handlerState, value);
    }

    private object? _handlerState;

    /// <summary>
    /// Sets <see cref="HandlerState"/> to <paramref name="state"/> unless it is already set, and returns what it holds
    /// (atomic: two requests racing to make the state agree on one).
    /// </summary>
    public object GetOrSetHandlerState(object state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Interlocked.CompareExchange(ref _handlerState, state, null) ?? state;
    }

    /// <summary>Ids for the server's own requests to the client, never reused (JR-03).</summary>
    public RequestIdGenerator OutgoingIds => _outgoingIds ?? LazyInitializer.EnsureInitialized(ref _outgoingIds, () => new RequestIdGenerator(_store is null ? "s" : "s" + _copyTag + "-"));

    private RequestIdGenerator? _outgoingIds;

    internal ConcurrentDictionary<RequestId, InFlightRequest> InFlight => _inFlight ?? LazyInitializer.EnsureInitialized(ref _inFlight, static () => SmallTable<InFlightRequest>());

    // Made on first use: an idle session holds neither table (each is about half a kilobyte).
    private ConcurrentDictionary<RequestId, InFlightRequest>? _inFlight;
    private ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>>? _pendingOutgoing;

    private static ConcurrentDictionary<RequestId, T> SmallTable<T>() => new(Environment.ProcessorCount, capacity: 4);

    internal Events.IEventStore? EventStore { get; set; }

    /// <summary>
    /// Sends a message that belongs to no request (list changes, resource updates, unsolicited logs) on the session's
    /// standalone stream (TR-30). With no GET stream open, it is kept in the event store (bounded) for a resumed GET;
    /// false when it could be neither sent nor kept.
    /// </summary>
    public async ValueTask<bool> SendUnsolicitedAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        ArgumentNullException.ThrowIfNull(write);
        IStandaloneStream? stream;
        lock (StandaloneLock)
        {
            stream = Standalone;
        }

        if (stream is not null && await stream.SendAsync(write, state).ConfigureAwait(false))
        {
            return true;
        }

        if (EventStore is null || IsDisposed)
        {
            return false;
        }

        using var buffer = new Mcp.Raw.Protocol.Buffers.PooledBufferWriter(256);
        using (var writer = new JsonRpcWriter())
        {
            write(writer, buffer, state);
        }

        await EventStore.AppendAsync(new Events.StreamKey(Tag, StandaloneStreamId), buffer.WrittenMemory).ConfigureAwait(false);
        return true;
    }

    /// <summary>The stream id of the standalone GET stream.</summary>
    internal const long StandaloneStreamId = 0;

    internal ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>> PendingOutgoing => _pendingOutgoing ?? LazyInitializer.EnsureInitialized(ref _pendingOutgoing, static () => SmallTable<TaskCompletionSource<JsonRpcMessage>>());

    internal IStandaloneStream? Standalone { get; set; }

    internal Lock StandaloneLock => _standaloneLock ?? LazyInitializer.EnsureInitialized(ref _standaloneLock, static () => new Lock());

    private Lock? _standaloneLock;

    internal long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>Requests being served (and a handshake being answered): a session with any is never evicted.</summary>
    internal int ActiveRequests => Volatile.Read(ref _active);

    private int _active;

    /// <summary>
    /// Starts serving a request: takes one of the session's <paramref name="max"/> slots
    /// (<see cref="StreamableHttpOptions.MaxRequestsInFlightPerSession"/>) and registers it for
    /// <c>notifications/cancelled</c>. The one way in for every path (POST, batch, 2024-11-05 <c>/messages</c>);
    /// every <see cref="RequestAdmission.Started"/> is paired with <see cref="EndRequest"/>.
    /// </summary>
    internal RequestAdmission TryBeginRequest(RequestId id, InFlightRequest request, int max)
    {
        while (true)
        {
            var current = Volatile.Read(ref _active);
            if (current >= max)
            {
                return RequestAdmission.TooMany;
            }

            if (Interlocked.CompareExchange(ref _active, current + 1, current) == current)
            {
                break;
            }
        }

        if (!InFlight.TryAdd(id, request))
        {
            Interlocked.Decrement(ref _active);
            return RequestAdmission.DuplicateId;
        }

        return RequestAdmission.Started;
    }

    /// <summary>Ends what <see cref="TryBeginRequest"/> started.</summary>
    internal void EndRequest(RequestId id)
    {
        InFlight.TryRemove(id, out _);
        Interlocked.Decrement(ref _active);
    }

    /// <summary>Holds the session while its <c>initialize</c> is answered (it cannot be evicted before it is live).</summary>
    internal void BeginHandshake() => Interlocked.Increment(ref _active);

    internal void EndHandshake() => Interlocked.Decrement(ref _active);

    /// <summary>Marks the session active at <paramref name="now"/> (a store's clock): a store calls it on each lookup.</summary>
    public void Touch(long now) => Volatile.Write(ref _lastActivity, now);

    private long _streams;

    /// <summary>A new stream id, unique in this session (event ids carry it, TR-38).</summary>
    internal long NextStreamId() => Interlocked.Increment(ref _streams);

    /// <summary>Ends the session: cancels requests in flight and pending server requests, closes its streams.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _ended) is { } ended)
        {
            await ended.CancelAsync().ConfigureAwait(false);
        }

        // Tables never made hold nothing to end.
        if (Volatile.Read(ref _inFlight) is { } inFlight)
        {
            foreach (var (_, request) in inFlight)
            {
                request.Cancel();
            }
        }

        if (Volatile.Read(ref _pendingOutgoing) is { } pendingOutgoing)
        {
            foreach (var (_, pending) in pendingOutgoing)
            {
                pending.TrySetCanceled();
            }
        }

        Standalone?.Abort();

        // _ended is deliberately not disposed: requests still running may read or link to Ended after the session is
        // gone, and a source without timers holds nothing that needs releasing.
    }

    /// <summary>Whether the session has ended (it was disposed: DELETE, expiry, shutdown).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;
}

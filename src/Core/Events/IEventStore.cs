namespace Mcp.Raw.Transport.Events;

/// <summary>
/// Stores the events of resumable streams so that a client can resume with <c>Last-Event-ID</c> (TR-41), on this
/// process or another: the writer of a stream appends; a resumed connection reads the events after its id and then
/// waits for more until the stream completes. Implementations must bound what they retain.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Registers a stream before its first event, so a client that saw only the priming event (sequence 0) can resume
    /// it; a no-op when the stream exists.
    /// </summary>
    ValueTask CreateAsync(StreamKey stream, CancellationToken cancellationToken = default);

    /// <summary>Appends one event (the JSON of one message) and returns its sequence number, starting at 1.</summary>
    ValueTask<long> AppendAsync(StreamKey stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Marks the stream complete: readers end after its last event.</summary>
    ValueTask CompleteAsync(StreamKey stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the stream complete after its last event went out on the stream's own response to a client that was
    /// still connected: that client has no reason to resume, so a store may keep the stream for less time
    /// (<see cref="StreamableHttpOptions.DeliveredStreamRetention"/>). The default is <see cref="CompleteAsync"/>.
    /// </summary>
    ValueTask CompleteDeliveredAsync(StreamKey stream, CancellationToken cancellationToken = default) => CompleteAsync(stream, cancellationToken);

    /// <summary>
    /// Opens the stream after <paramref name="afterSequence"/>. Returns null when the stream is unknown (never
    /// existed, expired, or belongs to another session); throws <see cref="EventsLostException"/> when events after
    /// that point are no longer retained.
    /// </summary>
    ValueTask<IEventStreamReader?> OpenAsync(StreamKey stream, long afterSequence, CancellationToken cancellationToken = default);

    /// <summary>Forgets every stream of a session.</summary>
    ValueTask RemoveSessionAsync(string sessionTag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens <paramref name="stream"/> (creating it if needed) for the events appended to it from now on, from any
    /// process: a store shared by several processes returns the reader and the sequence it starts after, and the
    /// session's standalone stream is then relayed from it, so that unsolicited messages appended on any node reach
    /// the node holding the client's GET. Null (the default) means the store is this process's alone: the standalone
    /// stream writes directly.
    /// </summary>
    ValueTask<EventStreamTail?> TailAsync(StreamKey stream, CancellationToken cancellationToken = default) => ValueTask.FromResult<EventStreamTail?>(null);

    /// <summary>
    /// Drops what is past its retention. Called on a timer by the transport; the default does nothing (for a store
    /// that expires entries by itself).
    /// </summary>
    ValueTask EvictExpiredAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Events;

/// <summary>
/// The in-process event store, indexed by session and then by stream, bounded four ways so that no client can make
/// the server hold more than the operator allowed: per stream (<see cref="StreamableHttpOptions.MaxEventsPerStream"/>,
/// <see cref="StreamableHttpOptions.MaxEventBytesPerStream"/>), per session
/// (<see cref="StreamableHttpOptions.MaxEventBytesPerSession"/>: the session's oldest finished streams go first, then
/// its oldest events) and in total (<see cref="StreamableHttpOptions.MaxEventStoreBytes"/>: the oldest finished streams
/// of any session go first). Finished streams are kept for <see cref="StreamableHttpOptions.DeliveredStreamRetention"/>
/// when their response reached a connected client, else for <see cref="StreamableHttpOptions.CompletedStreamRetention"/>;
/// others for <see cref="StreamableHttpOptions.EventRetention"/> after their last event.
/// </summary>
/// <remarks>
/// Sequence numbers are counted per session, not per stream, so an event id is never issued twice in a session: a
/// stream that was evicted and starts again (the standalone GET stream) continues the count, and a resume from an id
/// of its earlier life is refused as lost rather than answered with other events under the same id. A replay reads
/// from its position by index (no rescan), and appending signals only when a reader waits. A stream's events live in
/// pooled buffers that go back to the pool when the stream goes.
/// </remarks>
public sealed partial class InMemoryEventStore : IEventStore, ISynchronousEventStore
{
    private readonly ConcurrentDictionary<string, SessionLog> _sessions = new(StringComparer.Ordinal);

    // Finished streams of every session in the order they finished: the total cap and the retention of finished
    // streams take from the front, so neither scans the store. Entries of streams removed otherwise are skipped.
    private readonly ConcurrentQueue<(SessionLog Session, StreamLog Stream)> _finished = new();

    // Finished streams whose response reached a connected client: kept for the shorter DeliveredStreamRetention.
    private readonly ConcurrentQueue<(SessionLog Session, StreamLog Stream)> _delivered = new();

    // Taken by whoever removes from the front of those queues (the reaper and the total cap).
    private readonly Lock _finishedTake = new();

    // Delivered streams' events, out of the pool's way while they wait out their retention.
    private readonly EventArchive _archive = new();
    private readonly StreamableHttpOptions _options;
    private readonly TimeProvider _time;
    private long _totalBytes;

    /// <summary>Creates the store.</summary>
    public InMemoryEventStore(IOptions<StreamableHttpOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The number of streams held (for tests and diagnostics).</summary>
    public int StreamCount => _sessions.Values.Sum(s => s.StreamCount);

    /// <summary>The bytes of event data held, over every session.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <inheritdoc />
    public ValueTask CreateAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        Session(stream.SessionTag).GetOrCreate(stream.StreamId, _time.GetTimestamp());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(StreamKey stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        new(AppendCore(stream, data.Span));

    long ISynchronousEventStore.Append(StreamKey stream, ReadOnlySpan<byte> data) => AppendCore(stream, data);

    private long AppendCore(StreamKey stream, ReadOnlySpan<byte> data)
    {
        var session = Session(stream.SessionTag);
        var sequence = session.Append(stream.StreamId, data, _time.GetTimestamp(), this);
        if (Interlocked.Read(ref _totalBytes) > _options.MaxEventStoreBytes)
        {
            TrimTotal(session, stream.StreamId);
        }

        return sequence;
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(StreamKey stream, CancellationToken cancellationToken = default) => Complete(stream, _finished, archive: null);

    /// <inheritdoc />
    public ValueTask CompleteDeliveredAsync(StreamKey stream, CancellationToken cancellationToken = default) => Complete(stream, _delivered, _archive);

    /// <summary>The archive's segments in use and spare (for tests and diagnostics).</summary>
    internal (int InUse, int Spare) ArchiveSegments => _archive.SegmentCounts;

    private ValueTask Complete(StreamKey stream, ConcurrentQueue<(SessionLog Session, StreamLog Stream)> queue, EventArchive? archive)
    {
        var session = Session(stream.SessionTag);
        if (session.Complete(stream.StreamId, _time.GetTimestamp(), archive) is { } finished)
        {
            queue.Enqueue((session, finished));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IEventStreamReader?> OpenAsync(StreamKey stream, long afterSequence, CancellationToken cancellationToken = default)
    {
        if (!_sessions.TryGetValue(stream.SessionTag, out var session))
        {
            return new ValueTask<IEventStreamReader?>((IEventStreamReader?)null);
        }

        return new ValueTask<IEventStreamReader?>(session.Open(stream, afterSequence));
    }

    /// <inheritdoc />
    public ValueTask RemoveSessionAsync(string sessionTag, CancellationToken cancellationToken = default)
    {
        if (_sessions.TryRemove(sessionTag, out var session))
        {
            session.RemoveAll(this);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask EvictExpiredAsync(CancellationToken cancellationToken = default)
    {
        Evict();
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops streams past their retention (what <see cref="EvictExpiredAsync"/> does, synchronously).</summary>
    public void Evict()
    {
        var now = _time.GetTimestamp();

        // Spares left from the last pass were not needed by a whole period of load (this pass's release waits one).
        _archive.TrimSpares();

        // Finished streams leave in the order they finished (one retention per queue).
        EvictFinished(_delivered, _options.DeliveredStreamRetention, now);
        EvictFinished(_finished, _options.CompletedStreamRetention, now);

        // Streams still running or abandoned. A session's log (a few dozen bytes when empty) stays until the session
        // ends (RemoveSessionAsync), so its sequence count goes on across evicted streams.
        foreach (var (_, session) in _sessions)
        {
            session.EvictAbandoned(now, _time, _options, this);
        }
    }

    private void EvictFinished(ConcurrentQueue<(SessionLog Session, StreamLog Stream)> queue, TimeSpan retention, long now)
    {
        while (true)
        {
            (SessionLog Session, StreamLog Stream) due;

            // Peek and take as one step: TrimTotal takes from the front too, and what is taken must be what was
            // found due (else a newer stream would leave the queue without leaving the store).
            lock (_finishedTake)
            {
                if (!queue.TryPeek(out due) || !(due.Stream.Closed || _time.GetElapsedTime(due.Stream.LastTouched, now) > retention))
                {
                    return;
                }

                queue.TryDequeue(out _);
            }

            due.Session.Remove(due.Stream, this);
        }
    }

    private SessionLog Session(string tag) => _sessions.GetOrAdd(tag, static _ => new SessionLog());

    private void AddBytes(long delta) => Interlocked.Add(ref _totalBytes, delta);

    /// <summary>Over the total cap: the oldest finished streams of any session go first, then the appender's oldest events.</summary>
    private void TrimTotal(SessionLog appender, long appendingStream)
    {
        while (Interlocked.Read(ref _totalBytes) > _options.MaxEventStoreBytes)
        {
            (SessionLog Session, StreamLog Stream) oldest;
            bool taken;
            lock (_finishedTake)
            {
                taken = _delivered.TryDequeue(out oldest) || _finished.TryDequeue(out oldest);
            }

            if (taken)
            {
                oldest.Session.Remove(oldest.Stream, this);
                continue;
            }

            if (!appender.DropOldestEvent(appendingStream, this))
            {
                return;
            }
        }
    }
}

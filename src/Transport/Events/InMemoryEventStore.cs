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
public sealed class InMemoryEventStore : IEventStore, ISynchronousEventStore
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

    /// <summary>Drops streams past their retention. Called by the session reaper.</summary>
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

    /// <summary>One session's streams, its byte count and its sequence counter.</summary>
    private sealed class SessionLog
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<long, StreamLog> _streams = [];

        // This session's finished streams in the order they finished: the per-session cap takes from the front.
        private readonly Queue<StreamLog> _finished = new();
        private StreamLog? _recent;
        private long _lastSequence;
        private long _bytes;

        public int StreamCount
        {
            get
            {
                lock (_lock)
                {
                    return _streams.Count;
                }
            }
        }

        public StreamLog GetOrCreate(long streamId, long now)
        {
            lock (_lock)
            {
                return GetOrCreateLocked(streamId, now);
            }
        }

        private StreamLog GetOrCreateLocked(long streamId, long now)
        {
            // A stream's events come one after another: the last stream used is the likely one (a closed one has left).
            if (_recent is { Closed: false } recent && recent.Id == streamId)
            {
                return recent;
            }

            if (!_streams.TryGetValue(streamId, out var stream))
            {
                stream = new StreamLog(streamId, _lastSequence, now);
                _streams[streamId] = stream;
            }

            return _recent = stream;
        }

        public long Append(long streamId, ReadOnlySpan<byte> data, long now, InMemoryEventStore store)
        {
            TaskCompletionSource? waiter;
            long sequence;
            var options = store._options;
            lock (_lock)
            {
                var stream = GetOrCreateLocked(streamId, now);
                sequence = ++_lastSequence;
                stream.Add(sequence, data, now);
                _bytes += data.Length;
                store.AddBytes(data.Length);

                // Per stream: count and bytes (a single event over the byte cap is not retained at all).
                while (stream.Count > 0 && (stream.Count > options.MaxEventsPerStream || stream.Bytes > options.MaxEventBytesPerStream))
                {
                    Account(-stream.DropOldest(), store);
                }

                // Per session: the oldest finished streams first, then the oldest events of what is left.
                while (_bytes > options.MaxEventBytesPerSession)
                {
                    if (!RemoveOldestCompletedLocked(store) && !DropOldestEventLocked(store))
                    {
                        break;
                    }
                }

                waiter = stream.TakeWaiter();
            }

            waiter?.TrySetResult();
            return sequence;
        }

        /// <summary>Marks the stream finished; returns it when it was not finished before (for the store's queue).</summary>
        public StreamLog? Complete(long streamId, long now, EventArchive? archive)
        {
            TaskCompletionSource? waiter;
            StreamLog? finished = null;
            lock (_lock)
            {
                var stream = GetOrCreateLocked(streamId, now);
                if (!stream.Completed)
                {
                    stream.Completed = true;
                    _finished.Enqueue(stream);
                    finished = stream;
                    if (archive is not null)
                    {
                        stream.Archive(archive);
                    }
                }

                stream.LastTouched = now;
                waiter = stream.TakeWaiter();
            }

            waiter?.TrySetResult();
            return finished;
        }

        /// <summary>Removes a stream if it is still this session's; false when it was gone already.</summary>
        public bool Remove(StreamLog stream, InMemoryEventStore store)
        {
            TaskCompletionSource? waiter;
            lock (_lock)
            {
                if (!RemoveLocked(stream, store))
                {
                    return false;
                }

                waiter = stream.Close();
            }

            waiter?.TrySetResult();
            return true;
        }

        private bool RemoveLocked(StreamLog stream, InMemoryEventStore store)
        {
            if (stream.Closed || !_streams.TryGetValue(stream.Id, out var current) || !ReferenceEquals(current, stream))
            {
                return false;
            }

            _streams.Remove(stream.Id);
            if (ReferenceEquals(_recent, stream))
            {
                _recent = null;
            }

            Account(-stream.Bytes, store);
            return true;
        }

        public IEventStreamReader? Open(StreamKey key, long after)
        {
            lock (_lock)
            {
                if (!_streams.TryGetValue(key.StreamId, out var stream))
                {
                    return null;
                }

                if (after > _lastSequence)
                {
                    // An id from the future is not one we issued.
                    throw new EventsLostException("The Last-Event-ID is not one this stream issued.");
                }

                // 0 is the priming event of this stream's current life; any other id must be after what was dropped.
                if (after == 0 ? stream.LostThrough > stream.CreatedAfter : after < stream.LostThrough)
                {
                    throw new EventsLostException();
                }

                return new Reader(this, stream, key, stream.IndexAfter(after));
            }
        }

        public bool DropOldestEvent(long streamId, InMemoryEventStore store)
        {
            lock (_lock)
            {
                if (_streams.TryGetValue(streamId, out var stream) && stream.Count > 0)
                {
                    Account(-stream.DropOldest(), store);
                    return true;
                }

                return false;
            }
        }

        /// <summary>Drops streams that did not finish and saw nothing for the retention period (finished ones leave through the store's queue).</summary>
        public void EvictAbandoned(long now, TimeProvider time, StreamableHttpOptions options, InMemoryEventStore store)
        {
            List<TaskCompletionSource>? wake = null;
            lock (_lock)
            {
                // Finished streams the store removed leave this session's queue too (they are at its front).
                while (_finished.TryPeek(out var front) && front.Closed)
                {
                    _finished.Dequeue();
                }

                foreach (var (_, stream) in _streams)
                {
                    if (!stream.Completed && time.GetElapsedTime(stream.LastTouched, now) > options.EventRetention && RemoveLocked(stream, store)
                        && stream.Close() is { } waiter)
                    {
                        (wake ??= []).Add(waiter);
                    }
                }
            }

            wake?.ForEach(w => w.TrySetResult());
        }

        public void RemoveAll(InMemoryEventStore store)
        {
            List<TaskCompletionSource>? wake = null;
            lock (_lock)
            {
                foreach (var (_, stream) in _streams)
                {
                    if (stream.Close() is { } waiter)
                    {
                        (wake ??= []).Add(waiter);
                    }
                }

                _streams.Clear();
                _recent = null;
                Account(-_bytes, store);
            }

            wake?.ForEach(w => w.TrySetResult());
        }

        private bool RemoveOldestCompletedLocked(InMemoryEventStore store)
        {
            while (_finished.TryDequeue(out var oldest))
            {
                if (RemoveLocked(oldest, store))
                {
                    oldest.Close()?.TrySetResult();
                    return true;
                }
            }

            return false;
        }

        /// <summary>Drops the session's oldest retained event (the lowest sequence of any stream).</summary>
        private bool DropOldestEventLocked(InMemoryEventStore store)
        {
            StreamLog? oldest = null;
            foreach (var (_, stream) in _streams)
            {
                if (stream.Count > 0 && (oldest is null || stream.FirstSequence < oldest.FirstSequence))
                {
                    oldest = stream;
                }
            }

            if (oldest is null)
            {
                return false;
            }

            Account(-oldest.DropOldest(), store);
            return true;
        }

        private void Account(long delta, InMemoryEventStore store)
        {
            _bytes += delta;
            store.AddBytes(delta);
        }

        /// <summary>Reads one stream from an index; throws when events it had not read were dropped under it.</summary>
        private sealed class Reader(SessionLog session, StreamLog stream, StreamKey key, long index) : IEventStreamReader
        {
            private long _index = index;

            public bool TryRead(out StoredEvent storedEvent)
            {
                lock (session._lock)
                {
                    if (!stream.TryGet(_index, out var sequence, out var data))
                    {
                        storedEvent = default;
                        return false;
                    }

                    // A copy: the stream's buffer is pooled and is reused once the stream goes.
                    _index++;
                    storedEvent = new StoredEvent(new StreamEventId(key, sequence), data.ToArray());
                    return true;
                }
            }

            public bool TryWriteNext(System.Buffers.IBufferWriter<byte> output)
            {
                lock (session._lock)
                {
                    if (!stream.TryGet(_index, out var sequence, out var data))
                    {
                        return false;
                    }

                    // Framed straight from the pooled buffer under the lock: no copy, one write.
                    _index++;
                    Sse.StoredEventFrame.Write(output, new StreamEventId(key, sequence), data);
                    return true;
                }
            }

            public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
            {
                while (true)
                {
                    Task wait;
                    lock (session._lock)
                    {
                        if (stream.HasAt(_index))
                        {
                            return true;
                        }

                        if (stream.Completed || stream.Closed)
                        {
                            return false;
                        }

                        wait = stream.Waiter().Task;
                    }

                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// One stream's retained events, by absolute index (events dropped from the front keep their indexes). While the
    /// stream runs, the JSON of every event lives in one pooled byte buffer and the index in one pooled slot array, so
    /// a retained stream is a handful of objects whatever its length. Once its response is delivered, both move into
    /// the store's <see cref="EventArchive"/> (one record: the index, then the bytes) and the buffers go back to the
    /// pool, so the pool serves the streams that are running however many delivered ones wait out their retention.
    /// </summary>
    private sealed class StreamLog(long id, long createdAfter, long now)
    {
        public long Id { get; } = id;

        private byte[] _bytes = [];
        private EventSlot[] _slots = [];

        // Set while the events are archived: the index starts at _slotBase in the segment, offsets are the segment's.
        private EventArchive.Segment? _segment;
        private int _slotBase;

        private int _byteStart;
        private int _byteEnd;
        private int _head;
        private int _tail;
        private long _dropped;
        private TaskCompletionSource? _waiter;

        /// <summary>The session's last sequence when this stream (this life of it) was created.</summary>
        public long CreatedAfter { get; } = createdAfter;

        /// <summary>The highest sequence of this stream no longer retained (or <see cref="CreatedAfter"/>).</summary>
        public long LostThrough { get; private set; } = createdAfter;

        public long LastTouched { get; set; } = now;

        public bool Completed { get; set; }

        public bool Closed { get; private set; }

        /// <summary>The retained events' bytes: they lie back to back between the oldest event and the end.</summary>
        public long Bytes => _byteEnd - _byteStart;

        public int Count => _tail - _head;

        public long FirstSequence => SlotAt(_head).Sequence;

        public void Add(long sequence, ReadOnlySpan<byte> data, long now)
        {
            if (_segment is not null)
            {
                // An event after delivery (rare): the stream takes its events back into buffers of its own.
                Unarchive();
            }

            EnsureSlot();
            EnsureBytes(data.Length);
            data.CopyTo(_bytes.AsSpan(_byteEnd));
            _slots[_tail++] = new EventSlot { Sequence = sequence, Offset = _byteEnd, Length = data.Length };
            _byteEnd += data.Length;
            LastTouched = now;
        }

        /// <summary>Drops the oldest event; returns its size.</summary>
        public long DropOldest()
        {
            var slot = SlotAt(_head++);
            _dropped++;
            LostThrough = slot.Sequence;
            _byteStart = _head < _tail ? SlotAt(_head).Offset : _byteEnd;
            return slot.Length;
        }

        /// <summary>The absolute index of the first event after <paramref name="after"/> (binary search: sequences increase).</summary>
        public long IndexAfter(long after)
        {
            int lo = _head, hi = _tail;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (SlotAt(mid).Sequence <= after)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return _dropped + (lo - _head);
        }

        public bool HasAt(long index)
        {
            var local = index - _dropped;
            if (local < 0)
            {
                throw new EventsLostException();
            }

            return _head + local < _tail;
        }

        /// <summary>The event at an absolute index; its bytes are valid only under the session's lock.</summary>
        public bool TryGet(long index, out long sequence, out ReadOnlySpan<byte> data)
        {
            if (!HasAt(index))
            {
                sequence = 0;
                data = default;
                return false;
            }

            var slot = SlotAt(_head + (int)(index - _dropped));
            sequence = slot.Sequence;
            data = (_segment?.Bytes ?? _bytes).AsSpan(slot.Offset, slot.Length);
            return true;
        }

        /// <summary>
        /// Moves the events into one archive record and gives the stream's buffers back to the pool; the stream stays
        /// as it was for readers (same indexes, same bytes). A stream too large for a record keeps its buffers.
        /// </summary>
        public void Archive(EventArchive archive)
        {
            var count = _tail - _head;
            if (_segment is not null || count == 0)
            {
                if (count == 0)
                {
                    ReturnBuffers();
                }

                return;
            }

            var indexBytes = count * EventSlot.Size;
            var bytes = _byteEnd - _byteStart;
            if (!archive.TryReserve(indexBytes + bytes, out var segment, out var offset))
            {
                return;
            }

            var record = segment.Bytes.AsSpan(offset, indexBytes + bytes);
            var index = MemoryMarshal.Cast<byte, EventSlot>(record[..indexBytes]);
            var dataStart = offset + indexBytes;
            for (var i = 0; i < count; i++)
            {
                var slot = _slots[_head + i];
                index[i] = new EventSlot { Sequence = slot.Sequence, Offset = dataStart + (slot.Offset - _byteStart), Length = slot.Length };
            }

            _bytes.AsSpan(_byteStart, bytes).CopyTo(record[indexBytes..]);
            ReturnBuffers();
            _segment = segment;
            _slotBase = offset;
            _head = 0;
            _tail = count;
            _byteStart = dataStart;
            _byteEnd = dataStart + bytes;
        }

        public TaskCompletionSource Waiter() => _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource? TakeWaiter()
        {
            var waiter = _waiter;
            _waiter = null;
            return waiter;
        }

        /// <summary>Ends this life of the stream and gives its buffers back to the pool (or its record to the archive).</summary>
        public TaskCompletionSource? Close()
        {
            Closed = true;
            _dropped += _tail - _head;
            _head = _tail = 0;
            _byteStart = _byteEnd = 0;
            ReleaseSegment();
            ReturnBuffers();
            return TakeWaiter();
        }

        private EventSlot SlotAt(int i) =>
            _segment is null ? _slots[i] : MemoryMarshal.Read<EventSlot>(_segment.Bytes.AsSpan(_slotBase + (i * EventSlot.Size), EventSlot.Size));

        private void ReleaseSegment()
        {
            if (_segment is { } segment)
            {
                _segment = null;
                segment.Owner.Release(segment);
            }
        }

        private void ReturnBuffers()
        {
            if (_bytes.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = [];
            }

            if (_slots.Length > 0)
            {
                ArrayPool<EventSlot>.Shared.Return(_slots);
                _slots = [];
            }
        }

        private void Unarchive()
        {
            var count = _tail - _head;
            var bytes = _byteEnd - _byteStart;
            var slots = ArrayPool<EventSlot>.Shared.Rent(Math.Max(16, 2 * count));
            var data = ArrayPool<byte>.Shared.Rent(Math.Max(1024, 2 * bytes));
            for (var i = 0; i < count; i++)
            {
                var slot = SlotAt(_head + i);
                slots[i] = new EventSlot { Sequence = slot.Sequence, Offset = slot.Offset - _byteStart, Length = slot.Length };
            }

            _segment!.Bytes.AsSpan(_byteStart, bytes).CopyTo(data);
            ReleaseSegment();
            _slots = slots;
            _bytes = data;
            _head = 0;
            _tail = count;
            _byteStart = 0;
            _byteEnd = bytes;
        }

        private void EnsureSlot()
        {
            if (_tail < _slots.Length)
            {
                return;
            }

            var live = _tail - _head;
            if (_slots.Length > 0 && live <= _slots.Length / 2)
            {
                // Half or more of the array is dropped events: slide the live ones down.
                Array.Copy(_slots, _head, _slots, 0, live);
            }
            else
            {
                var grown = ArrayPool<EventSlot>.Shared.Rent(Math.Max(16, 2 * live));
                Array.Copy(_slots, _head, grown, 0, live);
                if (_slots.Length > 0)
                {
                    ArrayPool<EventSlot>.Shared.Return(_slots);
                }

                _slots = grown;
            }

            _head = 0;
            _tail = live;
        }

        private void EnsureBytes(int length)
        {
            if (_byteEnd + length <= _bytes.Length)
            {
                return;
            }

            var live = _byteEnd - _byteStart;
            var shift = _byteStart;
            if (live + length <= _bytes.Length && _byteStart >= _bytes.Length / 2)
            {
                // Mostly dropped events: slide the live bytes down instead of growing.
                _bytes.AsSpan(_byteStart, live).CopyTo(_bytes);
            }
            else
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(1024, 2 * (live + length)));
                _bytes.AsSpan(_byteStart, live).CopyTo(grown);
                if (_bytes.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_bytes);
                }

                _bytes = grown;
            }

            for (var i = _head; i < _tail; i++)
            {
                _slots[i].Offset -= shift;
            }

            _byteStart = 0;
            _byteEnd = live;
        }
    }
}

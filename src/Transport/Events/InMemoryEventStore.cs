using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Events;

/// <summary>
/// The in-process event store, indexed by session and then by stream, bounded four ways so that no client can make
/// the server hold more than the operator allowed: per stream (<see cref="StreamableHttpOptions.MaxEventsPerStream"/>,
/// <see cref="StreamableHttpOptions.MaxEventBytesPerStream"/>), per session
/// (<see cref="StreamableHttpOptions.MaxEventBytesPerSession"/>: the session's oldest finished streams go first, then
/// its oldest events) and in total (<see cref="StreamableHttpOptions.MaxEventStoreBytes"/>: the oldest finished streams
/// of any session go first). Finished streams are kept for <see cref="StreamableHttpOptions.CompletedStreamRetention"/>,
/// others for <see cref="StreamableHttpOptions.EventRetention"/> after their last event.
/// </summary>
/// <remarks>
/// Sequence numbers are counted per session, not per stream, so an event id is never issued twice in a session: a
/// stream that was evicted and starts again (the standalone GET stream) continues the count, and a resume from an id
/// of its earlier life is refused as lost rather than answered with other events under the same id. A replay reads
/// from its position by index (no rescan), and appending signals only when a reader waits.
/// </remarks>
public sealed class InMemoryEventStore : IEventStore
{
    private readonly ConcurrentDictionary<string, SessionLog> _sessions = new(StringComparer.Ordinal);

    // Finished streams of every session in the order they finished: the total cap and the retention of finished
    // streams take from the front, so neither scans the store. Entries of streams removed otherwise are skipped.
    private readonly ConcurrentQueue<(SessionLog Session, StreamLog Stream)> _finished = new();
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
    public ValueTask<long> AppendAsync(StreamKey stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var session = Session(stream.SessionTag);
        var sequence = session.Append(stream.StreamId, data.ToArray(), _time.GetTimestamp(), this);
        if (Interlocked.Read(ref _totalBytes) > _options.MaxEventStoreBytes)
        {
            TrimTotal(session, stream.StreamId);
        }

        return new ValueTask<long>(sequence);
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        var session = Session(stream.SessionTag);
        if (session.Complete(stream.StreamId, _time.GetTimestamp()) is { } finished)
        {
            _finished.Enqueue((session, finished));
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
        // Finished streams leave in the order they finished (one retention for all of them).
        while (_finished.TryPeek(out var oldest) && (oldest.Stream.Closed || _time.GetElapsedTime(oldest.Stream.LastTouched, now) > _options.CompletedStreamRetention))
        {
            _finished.TryDequeue(out _);
            oldest.Session.Remove(oldest.Stream, this);
        }

        // Streams still running or abandoned. A session's log (a few dozen bytes when empty) stays until the session
        // ends (RemoveSessionAsync), so its sequence count goes on across evicted streams.
        foreach (var (_, session) in _sessions)
        {
            session.EvictAbandoned(now, _time, _options, this);
        }
    }

    private SessionLog Session(string tag) => _sessions.GetOrAdd(tag, static _ => new SessionLog());

    private void AddBytes(long delta) => Interlocked.Add(ref _totalBytes, delta);

    /// <summary>Over the total cap: the oldest finished streams of any session go first, then the appender's oldest events.</summary>
    private void TrimTotal(SessionLog appender, string appendingStream)
    {
        while (Interlocked.Read(ref _totalBytes) > _options.MaxEventStoreBytes)
        {
            if (_finished.TryDequeue(out var oldest))
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
        private readonly Dictionary<string, StreamLog> _streams = new(StringComparer.Ordinal);

        // This session's finished streams in the order they finished: the per-session cap takes from the front.
        private readonly Queue<StreamLog> _finished = new();
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

        public StreamLog GetOrCreate(string streamId, long now)
        {
            lock (_lock)
            {
                return GetOrCreateLocked(streamId, now);
            }
        }

        private StreamLog GetOrCreateLocked(string streamId, long now)
        {
            if (!_streams.TryGetValue(streamId, out var stream))
            {
                stream = new StreamLog(streamId, _lastSequence, now);
                _streams[streamId] = stream;
            }

            return stream;
        }

        public long Append(string streamId, byte[] data, long now, InMemoryEventStore store)
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
        public StreamLog? Complete(string streamId, long now)
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

        public bool DropOldestEvent(string streamId, InMemoryEventStore store)
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

                    _index++;
                    storedEvent = new StoredEvent(new StreamEventId(key, sequence), data);
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

    /// <summary>One stream's retained events, by absolute index (events dropped from the front keep their indexes).</summary>
    private sealed class StreamLog(string id, long createdAfter, long now)
    {
        public string Id { get; } = id;

        private readonly List<(long Sequence, byte[] Data)> _events = [];
        private int _head;
        private long _dropped;
        private TaskCompletionSource? _waiter;

        /// <summary>The session's last sequence when this stream (this life of it) was created.</summary>
        public long CreatedAfter { get; } = createdAfter;

        /// <summary>The highest sequence of this stream no longer retained (or <see cref="CreatedAfter"/>).</summary>
        public long LostThrough { get; private set; } = createdAfter;

        public long LastTouched { get; set; } = now;

        public bool Completed { get; set; }

        public bool Closed { get; private set; }

        public long Bytes { get; private set; }

        public int Count => _events.Count - _head;

        public long FirstSequence => _events[_head].Sequence;

        public void Add(long sequence, byte[] data, long now)
        {
            _events.Add((sequence, data));
            Bytes += data.Length;
            LastTouched = now;
        }

        /// <summary>Drops the oldest event; returns its size.</summary>
        public long DropOldest()
        {
            var (sequence, data) = _events[_head];
            _events[_head] = default;
            _head++;
            _dropped++;
            LostThrough = sequence;
            Bytes -= data.Length;
            if (_head > 32 && _head * 2 > _events.Count)
            {
                _events.RemoveRange(0, _head);
                _head = 0;
            }

            return data.Length;
        }

        /// <summary>The absolute index of the first event after <paramref name="after"/> (binary search: sequences increase).</summary>
        public long IndexAfter(long after)
        {
            int lo = _head, hi = _events.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_events[mid].Sequence <= after)
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

            return _head + local < _events.Count;
        }

        public bool TryGet(long index, out long sequence, out ReadOnlyMemory<byte> data)
        {
            if (!HasAt(index))
            {
                sequence = 0;
                data = default;
                return false;
            }

            (sequence, var bytes) = _events[_head + (int)(index - _dropped)];
            data = bytes;
            return true;
        }

        public TaskCompletionSource Waiter() => _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource? TakeWaiter()
        {
            var waiter = _waiter;
            _waiter = null;
            return waiter;
        }

        public TaskCompletionSource? Close()
        {
            Closed = true;
            Bytes = 0;
            return TakeWaiter();
        }
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Events;

public sealed partial class InMemoryEventStore
{
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
                    StoredEventFrame.Write(output, new StreamEventId(key, sequence), data);
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
}

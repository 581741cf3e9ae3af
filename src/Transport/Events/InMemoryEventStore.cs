using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Events;

/// <summary>
/// The in-process event store: per stream a bounded list (count and bytes, oldest evicted first), kept for
/// <see cref="StreamableHttpOptions.EventRetention"/> after the stream completes or goes idle.
/// </summary>
public sealed class InMemoryEventStore : IEventStore
{
    private readonly ConcurrentDictionary<StreamKey, StreamLog> _streams = new();
    private readonly StreamableHttpOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public InMemoryEventStore(IOptions<StreamableHttpOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The number of streams held (for tests and diagnostics).</summary>
    public int StreamCount => _streams.Count;

    /// <inheritdoc />
    public ValueTask CreateAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        _streams.GetOrAdd(stream, static (_, s) => new StreamLog(s._time.GetTimestamp()), this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(StreamKey stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var log = _streams.GetOrAdd(stream, static (_, s) => new StreamLog(s._time.GetTimestamp()), this);
        return new ValueTask<long>(log.Append(data.ToArray(), _options.MaxEventsPerStream, _options.MaxEventBytesPerStream, _time.GetTimestamp()));
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        var log = _streams.GetOrAdd(stream, static (_, s) => new StreamLog(s._time.GetTimestamp()), this);
        log.Complete(_time.GetTimestamp());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IEventStreamReader?> OpenAsync(StreamKey stream, long afterSequence, CancellationToken cancellationToken = default)
    {
        if (!_streams.TryGetValue(stream, out var log))
        {
            return new ValueTask<IEventStreamReader?>((IEventStreamReader?)null);
        }

        return new ValueTask<IEventStreamReader?>(log.OpenReader(stream, afterSequence));
    }

    /// <inheritdoc />
    public ValueTask RemoveSessionAsync(string sessionTag, CancellationToken cancellationToken = default)
    {
        foreach (var key in _streams.Keys)
        {
            if (key.SessionTag == sessionTag && _streams.TryRemove(key, out var log))
            {
                log.Complete(_time.GetTimestamp());
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Drops streams idle for longer than the retention period. Called by the session reaper.</summary>
    public void Evict()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, log) in _streams)
        {
            if (_time.GetElapsedTime(log.LastTouched, now) > _options.EventRetention)
            {
                _streams.TryRemove(key, out _);
                log.Complete(now);
            }
        }
    }

    private sealed class StreamLog(long created)
    {
        private readonly Lock _lock = new();
        private readonly Queue<(long Sequence, byte[] Data)> _events = new();
        private long _next = 1;
        private long _bytes;
        private long _firstRetained = 1;
        private bool _completed;
        private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long LastTouched { get; private set; } = created;

        public long Append(byte[] data, int maxEvents, long maxBytes, long now)
        {
            TaskCompletionSource signal;
            long sequence;
            lock (_lock)
            {
                sequence = _next++;
                _events.Enqueue((sequence, data));
                _bytes += data.Length;
                while (_events.Count > 1 && (_events.Count > maxEvents || _bytes > maxBytes))
                {
                    var (_, old) = _events.Dequeue();
                    _bytes -= old.Length;
                    _firstRetained = _events.Peek().Sequence;
                }

                LastTouched = now;
                signal = _signal;
                _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            signal.TrySetResult();
            return sequence;
        }

        public void Complete(long now)
        {
            TaskCompletionSource signal;
            lock (_lock)
            {
                _completed = true;
                LastTouched = now;
                signal = _signal;
            }

            signal.TrySetResult();
        }

        public Reader OpenReader(StreamKey key, long after)
        {
            lock (_lock)
            {
                // Every event after `after` must still be here; otherwise a replay would silently miss some.
                if (after + 1 < _firstRetained)
                {
                    throw new EventsLostException();
                }

                if (after >= _next)
                {
                    // An id from the future is not one we issued.
                    throw new EventsLostException("The Last-Event-ID is not one this stream issued.");
                }
            }

            return new Reader(this, key, after);
        }

        internal sealed class Reader(StreamLog log, StreamKey key, long after) : IEventStreamReader
        {
            private long _position = after;

            public bool TryRead(out StoredEvent storedEvent)
            {
                lock (log._lock)
                {
                    if (_position + 1 < log._firstRetained)
                    {
                        throw new EventsLostException();
                    }

                    foreach (var (sequence, data) in log._events)
                    {
                        if (sequence > _position)
                        {
                            _position = sequence;
                            storedEvent = new StoredEvent(new StreamEventId(key, sequence), data);
                            return true;
                        }
                    }
                }

                storedEvent = default;
                return false;
            }

            public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
            {
                while (true)
                {
                    Task wait;
                    lock (log._lock)
                    {
                        if (_position + 1 < log._next)
                        {
                            return true;
                        }

                        if (log._completed)
                        {
                            return false;
                        }

                        wait = log._signal.Task;
                    }

                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}

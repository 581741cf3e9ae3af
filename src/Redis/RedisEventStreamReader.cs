using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Events;
using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// One resumed stream read from Redis: the retained events after the client's id, then each new one. A message on
/// the stream's channel wakes it (an append or the completion); it then reads what follows its last sequence, so a
/// wake-up that carries nothing new costs one read and a lost one cannot lose an event. A gap (events dropped by
/// the bounds before they were read) ends it with <see cref="EventsLostException"/>, never a silent skip.
/// </summary>
internal sealed class RedisEventStreamReader(IDatabase db, string key, StreamKey stream, long afterSequence, ChannelMessageQueue wakeUps, CancellationToken outage) : IEventStreamReader, IAsyncDisposable
{
    private readonly Queue<StoredEvent> _ready = new();
    private long _last = afterSequence;
    private bool _complete;

    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_ready.Count > 0)
            {
                return true;
            }

            if (_complete)
            {
                return false;
            }

            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, outage);
                await wakeUps.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (outage.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The connection to Redis failed: wake-ups may be lost until it is back, so the reader ends here and
                // its client resumes from its last event once Redis is reachable again.
                throw new StoreUnavailableException("The connection to Redis failed while the stream was read.");
            }
            while (wakeUps.TryRead(out _))
            {
                // One read covers every wake-up that came meanwhile.
            }

            if (!await FetchAsync().ConfigureAwait(false))
            {
                // The stream is gone (its session ended): nothing more will come.
                _complete = true;
            }
        }
    }

    public bool TryRead(out StoredEvent storedEvent) => _ready.TryDequeue(out storedEvent);

    /// <summary>Reads what follows the last sequence; false when the stream no longer exists.</summary>
    internal async ValueTask<bool> FetchAsync()
    {
        // The flag first: a stream marked done before this read has all its events in the range read after it.
        var meta = await RedisGuard.Run(db.HashGetAsync(key + ":m", ["seq", "done"])).ConfigureAwait(false);
        if (meta[0].IsNull)
        {
            return false;
        }

        var done = !meta[1].IsNull;
        if ((long)meta[0] < _last)
        {
            // The client names an event the stream never had (or its count restarted): a replay would be a guess.
            throw new EventsLostException();
        }

        var entries = await RedisGuard.Run(db.StreamRangeAsync(key, minId: "0-" + (_last + 1))).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            var sequence = long.Parse(((string)entry.Id!).AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
            if (sequence != _last + 1)
            {
                throw new EventsLostException();
            }

            _last = sequence;
            _ready.Enqueue(new StoredEvent(new StreamEventId(stream, sequence), (byte[])entry.Values[0].Value!));
        }

        if (entries.Length == 0 && (long)meta[0] > _last)
        {
            // Appended, then dropped by the bounds before this reader saw it.
            throw new EventsLostException();
        }

        _complete = done;
        return true;
    }

    public ValueTask DisposeAsync() => UnsubscribeAsync(wakeUps);

    internal static async ValueTask UnsubscribeAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (RedisGuard.IsTransient(e))
        {
            // Redis is away: the subscription went with the connection.
        }
    }
}

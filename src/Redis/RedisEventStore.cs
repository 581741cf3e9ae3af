using System.Globalization;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Events;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// The events of resumable streams in Redis Streams, so that a client resumes with <c>Last-Event-ID</c> on any node:
/// the node that runs a request appends its events, and a reader on any node replays exactly the events after the
/// id and then gets each new one as it is appended, woken by a message on the stream's channel (no polling). Each
/// stream is bounded (<see cref="StreamableHttpOptions.MaxEventsPerStream"/>, <see cref="StreamableHttpOptions.MaxEventBytesPerStream"/>)
/// and expires: <see cref="StreamableHttpOptions.EventRetention"/> after its last event while it runs,
/// <see cref="StreamableHttpOptions.CompletedStreamRetention"/> (or <see cref="StreamableHttpOptions.DeliveredStreamRetention"/>)
/// once complete.
/// </summary>
public sealed class RedisEventStore : IEventStore
{
    private readonly RedisConnection _redis;
    private readonly StreamableHttpOptions _options;

    internal RedisEventStore(RedisConnection redis, IOptions<StreamableHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _options = options.Value;
    }

    private string Prefix => _redis.Prefix;

    /// <inheritdoc />
    public async ValueTask CreateAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        await RedisGuard.Run(db.ScriptEvaluateAsync(RedisEventScripts.Create, values: [Prefix, stream.SessionTag, stream.StreamId, MetaTtlMs])).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long> AppendAsync(StreamKey stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        return (long)await RedisGuard.Run(db.ScriptEvaluateAsync(RedisEventScripts.Append, values:
        [
            Prefix, stream.SessionTag, stream.StreamId, data, _options.MaxEventsPerStream, _options.MaxEventBytesPerStream, Ms(_options.EventRetention), MetaTtlMs,
        ])).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(StreamKey stream, CancellationToken cancellationToken = default) => CompleteAsync(stream, _options.CompletedStreamRetention);

    /// <inheritdoc />
    public ValueTask CompleteDeliveredAsync(StreamKey stream, CancellationToken cancellationToken = default) => CompleteAsync(stream, _options.DeliveredStreamRetention);

    /// <inheritdoc />
    public async ValueTask<IEventStreamReader?> OpenAsync(StreamKey stream, long afterSequence, CancellationToken cancellationToken = default)
    {
        var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
        var db = multiplexer.GetDatabase();
        var key = Key(stream);
        if (!await RedisGuard.Run(db.KeyExistsAsync(key + ":m")).ConfigureAwait(false))
        {
            return null;
        }

        // Subscribed before the first read: an event appended in between wakes the reader, it is never missed.
        var (queue, outage) = await SubscribeAsync(multiplexer, stream).ConfigureAwait(false);
        var reader = new RedisEventStreamReader(db, key, stream, afterSequence, queue, outage);
        try
        {
            if (!await reader.FetchAsync().ConfigureAwait(false))
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                return null;
            }
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return reader;
    }

    /// <inheritdoc />
    public async ValueTask<EventStreamTail?> TailAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
        var db = multiplexer.GetDatabase();
        var key = Key(stream);

        // Subscribed first, then the position read: what is appended in between is read by the first fetch.
        var (queue, outage) = await SubscribeAsync(multiplexer, stream).ConfigureAwait(false);
        try
        {
            await RedisGuard.Run(db.ScriptEvaluateAsync(RedisEventScripts.Create, values: [Prefix, stream.SessionTag, stream.StreamId, MetaTtlMs])).ConfigureAwait(false);
            var sequence = (long)await RedisGuard.Run(db.HashGetAsync(key + ":m", "seq")).ConfigureAwait(false);
            return new EventStreamTail(new RedisEventStreamReader(db, key, stream, sequence, queue, outage), sequence);
        }
        catch
        {
            await RedisEventStreamReader.UnsubscribeAsync(queue).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask RemoveSessionAsync(string sessionTag, CancellationToken cancellationToken = default)
    {
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        await RedisGuard.Run(db.ScriptEvaluateAsync(RedisEventScripts.RemoveSession, values: [Prefix, sessionTag])).ConfigureAwait(false);
    }

    private async ValueTask CompleteAsync(StreamKey stream, TimeSpan retention)
    {
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        await RedisGuard.Run(db.ScriptEvaluateAsync(RedisEventScripts.Complete, values: [Prefix, stream.SessionTag, stream.StreamId, Ms(retention)])).ConfigureAwait(false);
    }

    private RedisChannel Channel(StreamKey stream) => RedisChannel.Literal(Prefix + "ev:" + stream.SessionTag + ":" + stream.StreamId.ToString(CultureInfo.InvariantCulture));

    private string Key(StreamKey stream) => Prefix + "e:" + stream.SessionTag + ":" + stream.StreamId.ToString(CultureInfo.InvariantCulture);

    private static long Ms(TimeSpan span) => Math.Max(1, (long)span.TotalMilliseconds);

    /// <summary>A stream's count lives as long as its session may: its events expire sooner, its ids are never reused.</summary>
    private long MetaTtlMs => Ms(_options.EventRetention > _options.SessionIdleTimeout ? _options.EventRetention : _options.SessionIdleTimeout);

    /// <summary>
    /// Subscribes to a stream's wake-ups, with the outage token of now. Refused at once while Redis is away: a
    /// subscription asked for then would stay registered with no one to end it.
    /// </summary>
    private async ValueTask<(ChannelMessageQueue Queue, CancellationToken Outage)> SubscribeAsync(ConnectionMultiplexer multiplexer, StreamKey stream)
    {
        var outage = _redis.Outage;
        if (!multiplexer.IsConnected)
        {
            throw new StoreUnavailableException("Redis cannot be reached.");
        }

        var queue = await RedisGuard.Run(multiplexer.GetSubscriber().SubscribeAsync(Channel(stream))).ConfigureAwait(false);
        return (queue, outage);
    }
}

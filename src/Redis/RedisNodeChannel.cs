using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// One pub/sub channel that every node listens on, each message framed with the sending node's id so that a node
/// ignores its own (Redis delivers a publish to its publisher's subscription too). The session bus and the change
/// broadcast each use one. The subscription is registered even while Redis is away (the multiplexer subscribes
/// again on each reconnect), so a node starts, and keeps listening, through an outage.
/// </summary>
internal sealed class RedisNodeChannel(RedisConnection redis, string name)
{
    private RedisChannel Channel => RedisChannel.Literal(redis.Prefix + name);

    public async ValueTask PublishAsync(int length, Action<Span<byte>> write)
    {
        var frame = new byte[16 + length];
        redis.NodeId.TryWriteBytes(frame);
        write(frame.AsSpan(16));
        var multiplexer = await redis.GetAsync().ConfigureAwait(false);
        await RedisGuard.Run(multiplexer.GetSubscriber().PublishAsync(Channel, frame)).ConfigureAwait(false);
    }

    public async ValueTask<IAsyncDisposable> SubscribeAsync(Func<ReadOnlyMemory<byte>, ValueTask> receive)
    {
        var multiplexer = await redis.GetAsync().ConfigureAwait(false);
        var channel = Channel;
        Action<RedisChannel, RedisValue> handler = (from, message) => Forget(DeliverAsync(message, receive));
        try
        {
            await multiplexer.GetSubscriber().SubscribeAsync(channel, handler).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisGuard.IsTransient(e))
        {
            // Registered: subscribed when the connection comes back.
        }

        return new Subscription(multiplexer, channel, handler);
    }

    /// <summary>The delivery runs on its own; it observes its own failures.</summary>
    private static void Forget(Task delivery) => _ = delivery;

    private async Task DeliverAsync(RedisValue message, Func<ReadOnlyMemory<byte>, ValueTask> receive)
    {
        var frame = (ReadOnlyMemory<byte>)(byte[])message!;
        if (frame.Length < 16 || new Guid(frame.Span[..16]) == redis.NodeId)
        {
            return;
        }

        try
        {
            await receive(frame[16..]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Mcp.Raw.Transport.StoreUnavailableException or ObjectDisposedException or OperationCanceledException)
        {
            // What another node sent could not be acted on here now (Redis away, shutting down): it is dropped, as a
            // message to a node that is gone would be.
        }
    }

    private sealed class Subscription(ConnectionMultiplexer multiplexer, RedisChannel channel, Action<RedisChannel, RedisValue> handler) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await multiplexer.GetSubscriber().UnsubscribeAsync(channel, handler).ConfigureAwait(false);
            }
            catch (Exception e) when (RedisGuard.IsTransient(e) || e is ObjectDisposedException)
            {
                // Redis is away, or the multiplexer is gone: the subscription went with the connection.
            }
        }
    }
}

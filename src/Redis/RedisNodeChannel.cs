using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// One pub/sub channel that every node listens on, each message framed with the sending node's id so that a node
/// ignores its own (Redis delivers a publish to its publisher's subscription too). The session bus and the change
/// broadcast each use one.
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

    /// <summary>
    /// Hands every other node's message to <paramref name="receive"/>, one at a time and in order. While Redis is away
    /// the subscription is retried each second until it takes (or the result is disposed), so a node starts, and
    /// keeps listening, through an outage.
    /// </summary>
    public async ValueTask<IAsyncDisposable> SubscribeAsync(Func<ReadOnlyMemory<byte>, ValueTask> receive)
    {
        var subscription = new Subscription();
        if (!await TrySubscribeAsync(subscription, receive).ConfigureAwait(false))
        {
            _ = RetryAsync(subscription, receive);
        }

        return subscription;
    }

    private async Task RetryAsync(Subscription subscription, Func<ReadOnlyMemory<byte>, ValueTask> receive)
    {
        while (!subscription.Stopped.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), subscription.Stopped.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TrySubscribeAsync(subscription, receive).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async ValueTask<bool> TrySubscribeAsync(Subscription subscription, Func<ReadOnlyMemory<byte>, ValueTask> receive)
    {
        try
        {
            var multiplexer = await redis.GetAsync().ConfigureAwait(false);
            if (!multiplexer.IsConnected)
            {
                return false;
            }

            // The queue keeps the channel's order: one message at a time, each handed over after the one before.
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(Channel).ConfigureAwait(false);
            queue.OnMessage(message => DeliverAsync(message.Message, receive));
            if (!subscription.Attach(queue))
            {
                await RedisEventStreamReader.UnsubscribeAsync(queue).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (RedisGuard.IsTransient(e) || e is ObjectDisposedException)
        {
            return false;
        }
    }

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
        catch (Exception)
        {
            // What another node sent could not be acted on here (Redis away, shutting down, a message this node
            // cannot use): it is dropped, as a message to a node that is gone would be, and the next one is taken.
        }
    }

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly Lock _lock = new();
        private ChannelMessageQueue? _queue;

        public CancellationTokenSource Stopped { get; } = new();

        /// <summary>Keeps the queue; false when the subscription was disposed meanwhile (the caller drops the queue).</summary>
        public bool Attach(ChannelMessageQueue queue)
        {
            lock (_lock)
            {
                if (Stopped.IsCancellationRequested)
                {
                    return false;
                }

                _queue = queue;
                return true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            ChannelMessageQueue? queue;
            lock (_lock)
            {
                Stopped.Cancel();
                queue = _queue;
                _queue = null;
            }

            if (queue is not null)
            {
                await RedisEventStreamReader.UnsubscribeAsync(queue).ConfigureAwait(false);
            }
        }
    }
}

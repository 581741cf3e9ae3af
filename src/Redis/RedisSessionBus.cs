using System.Buffers.Binary;
using System.Text;
using Mcp.Raw.Transport.Sessions;
using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// The session bus on Redis pub/sub: one channel, <c>{prefix}bus</c>, that every node listens on; a message is
/// <c>{node}{id length}{session id}{json}</c>, and a node ignores its own. Each node acts only on the sessions it
/// holds a copy of, so a message reaches the node that waits for it whichever node the client's POST landed on.
/// </summary>
public sealed class RedisSessionBus : ISessionBus
{
    private readonly RedisConnection _redis;
    private readonly Guid _node = Guid.NewGuid();

    internal RedisSessionBus(RedisConnection redis) => _redis = redis;

    private RedisChannel Channel => RedisChannel.Literal(_redis.Prefix + "bus");

    /// <inheritdoc />
    public async ValueTask PublishAsync(string sessionId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var idLength = Encoding.UTF8.GetByteCount(sessionId);
        var frame = new byte[16 + 2 + idLength + message.Length];
        _node.TryWriteBytes(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), checked((ushort)idLength));
        Encoding.UTF8.GetBytes(sessionId, frame.AsSpan(18));
        message.Span.CopyTo(frame.AsSpan(18 + idLength));
        var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
        await RedisGuard.Run(multiplexer.GetSubscriber().PublishAsync(Channel, frame)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> SubscribeAsync(Func<string, ReadOnlyMemory<byte>, ValueTask> receive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receive);
        var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
        var queue = await RedisGuard.Run(multiplexer.GetSubscriber().SubscribeAsync(Channel)).ConfigureAwait(false);
        queue.OnMessage(async message =>
        {
            var frame = (ReadOnlyMemory<byte>)(byte[])message.Message!;
            if (frame.Length < 18 || new Guid(frame.Span[..16]) == _node)
            {
                return;
            }

            var idLength = BinaryPrimitives.ReadUInt16BigEndian(frame.Span[16..]);
            if (frame.Length < 18 + idLength)
            {
                return;
            }

            await receive(Encoding.UTF8.GetString(frame.Span.Slice(18, idLength)), frame[(18 + idLength)..]).ConfigureAwait(false);
        });
        return new Subscription(queue);
    }

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync().ConfigureAwait(false);
    }
}

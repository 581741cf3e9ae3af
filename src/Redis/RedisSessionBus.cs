using System.Buffers.Binary;
using System.Text;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Redis;

/// <summary>
/// The session bus on Redis pub/sub: one channel, <c>{prefix}bus</c>, that every node listens on; a message is
/// <c>{id length}{session id}{json}</c>. Each node acts only on the sessions it holds a copy of, so a message reaches
/// the node that waits for it whichever node the client's POST landed on.
/// </summary>
public sealed class RedisSessionBus : ISessionBus
{
    private readonly RedisNodeChannel _channel;

    internal RedisSessionBus(RedisConnection redis) => _channel = new RedisNodeChannel(redis, "bus");

    /// <inheritdoc />
    public ValueTask PublishAsync(string sessionId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var id = Encoding.UTF8.GetBytes(sessionId);
        return _channel.PublishAsync(2 + id.Length + message.Length, frame =>
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame, checked((ushort)id.Length));
            id.CopyTo(frame[2..]);
            message.Span.CopyTo(frame[(2 + id.Length)..]);
        });
    }

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeAsync(Func<string, ReadOnlyMemory<byte>, ValueTask> receive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receive);
        return _channel.SubscribeAsync(frame =>
        {
            if (frame.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(frame.Span) is var length && frame.Length < 2 + length)
            {
                return ValueTask.CompletedTask;
            }

            return receive(Encoding.UTF8.GetString(frame.Span.Slice(2, length)), frame[(2 + length)..]);
        });
    }
}

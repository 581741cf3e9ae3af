using Mcp.Raw.Transport;

namespace Mcp.Raw.Redis;

/// <summary>
/// The change broadcast on Redis pub/sub: one channel, <c>{prefix}changes</c>, that every node listens on, so a list
/// change, a resource update or a task's status announced on one node reaches the listeners of every node.
/// </summary>
public sealed class RedisChangeBroadcast : IChangeBroadcast
{
    private readonly RedisNodeChannel _channel;

    internal RedisChangeBroadcast(RedisConnection redis) => _channel = new RedisNodeChannel(redis, "changes");

    /// <inheritdoc />
    public ValueTask PublishAsync(ReadOnlyMemory<byte> change, CancellationToken cancellationToken = default) =>
        _channel.PublishAsync(change.Length, frame => change.Span.CopyTo(frame));

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeAsync(Func<ReadOnlyMemory<byte>, ValueTask> receive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receive);
        return _channel.SubscribeAsync(receive);
    }
}

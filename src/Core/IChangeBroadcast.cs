namespace Mcp.Raw.Transport;

/// <summary>
/// Carries what goes to every client of a deployment (list changes, resource updates, task status) to its other
/// processes, each of which announces it to the clients it serves: its <c>subscriptions/listen</c> streams and the
/// 2025 sessions whose GET stream it holds. Without one (a single process) changes stay in the process. The
/// messages are the server's own; a bus carries them as they are.
/// </summary>
public interface IChangeBroadcast
{
    /// <summary>Sends one change to the other processes.</summary>
    ValueTask PublishAsync(ReadOnlyMemory<byte> change, CancellationToken cancellationToken = default);

    /// <summary>Starts handing what the other processes publish to <paramref name="receive"/>; disposing the result stops it.</summary>
    ValueTask<IAsyncDisposable> SubscribeAsync(Func<ReadOnlyMemory<byte>, ValueTask> receive, CancellationToken cancellationToken = default);
}

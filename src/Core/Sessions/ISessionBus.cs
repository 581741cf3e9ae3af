namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// Carries a client's message for a session to the other processes that hold a copy of it (scale-out): an answer to
/// a server-to-client request that waits on another node, and <c>notifications/cancelled</c> for a request running
/// on another node. Without one registered (a single process) such a message has nowhere else to go and is dropped,
/// as an unknown id is (JR-18).
/// </summary>
public interface ISessionBus
{
    /// <summary>Sends the JSON of one message for the session <paramref name="sessionId"/> to the other processes.</summary>
    ValueTask PublishAsync(string sessionId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts handing what the other processes publish to <paramref name="receive"/> (the session id and the JSON of
    /// one message); disposing the result stops it.
    /// </summary>
    ValueTask<IAsyncDisposable> SubscribeAsync(Func<string, ReadOnlyMemory<byte>, ValueTask> receive, CancellationToken cancellationToken = default);
}

using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>
/// A session's standalone GET stream when the event store is shared by several processes: it writes nothing
/// itself. Its <see cref="SendAsync"/> declines, so the session appends the message to its log (what it does with no
/// stream open), and the GET relays the log, on whichever node the message was appended.
/// </summary>
internal sealed class LogStandalone(CancellationTokenSource stop, CancellationToken clientGone) : IStandaloneStream
{
    public bool IsClientGone => clientGone.IsCancellationRequested;

    public void Abort()
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The GET already ended.
        }
    }

    public ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state) => new(false);
}

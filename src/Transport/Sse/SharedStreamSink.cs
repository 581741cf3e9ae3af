using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// The 2024-11-05 HTTP+SSE transport: every message of every request, responses included, is an event on the one
/// SSE connection (TR-71); answering a request does not end it.
/// </summary>
internal sealed class SharedStreamSink(IStandaloneStream shared) : IResponseSink
{
    public bool HasResponded { get; private set; }

    public ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state)
        => HasResponded ? new ValueTask<bool>(false) : shared.SendAsync(write, state);

    public async ValueTask RespondAsync<TState>(McpMessageWriter<TState> write, TState state, int httpStatus)
    {
        if (HasResponded)
        {
            return;
        }

        HasResponded = true;
        await shared.SendAsync(write, state).ConfigureAwait(false);
    }

    public ValueTask<bool> DisconnectForPollingAsync() => new(false);

    public ValueTask EndWithoutResponseAsync() => ValueTask.CompletedTask;
}

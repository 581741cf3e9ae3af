namespace Mcp.Raw.Transport.Sse;

/// <summary>Where a request's messages go: its own HTTP response (<see cref="ServerStream"/>) or a batch's collector.</summary>
internal interface IResponseSink
{
    bool HasResponded { get; }

    ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state);

    ValueTask RespondAsync<TState>(McpMessageWriter<TState> write, TState state, int httpStatus);

    ValueTask<bool> DisconnectForPollingAsync();

    ValueTask EndWithoutResponseAsync();
}

namespace Mcp.Raw.Transport.Sse;

/// <summary>Where a request's messages go: its own HTTP response (<see cref="ServerStream"/>) or a batch's collector.</summary>
internal interface IResponseSink : Dispatch.IMessageSink
{
    bool HasResponded { get; }

    ValueTask RespondAsync<TState>(McpMessageWriter<TState> write, TState state, int httpStatus);

    ValueTask<bool> DisconnectForPollingAsync();

    ValueTask EndWithoutResponseAsync();
}

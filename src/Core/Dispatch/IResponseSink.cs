namespace Mcp.Raw.Transport.Dispatch;

/// <summary>Where a request's messages go: its own HTTP response (the HTTP transport's <c>ServerStream</c>) or a batch's collector.</summary>
internal interface IResponseSink : IMessageSink
{
    bool HasResponded { get; }

    ValueTask RespondAsync<TState>(McpMessageWriter<TState> write, TState state, int httpStatus);

    ValueTask<bool> DisconnectForPollingAsync();

    ValueTask EndWithoutResponseAsync();
}

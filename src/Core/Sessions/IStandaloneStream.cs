namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// The stream a 2025-era session's unsolicited messages go out on (TR-30): a GET stream in the 2025 eras, the one
/// HTTP+SSE connection in 2024-11-05. Implemented by the transport that holds the connection.
/// </summary>
internal interface IStandaloneStream
{
    /// <summary>Whether the client has gone (a stale stream that a reconnecting GET may replace, TR-33).</summary>
    bool IsClientGone { get; }

    /// <summary>Ends the stream at once (the session ended).</summary>
    void Abort();

    /// <summary>Writes one message; false when it cannot be delivered.</summary>
    ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state);
}

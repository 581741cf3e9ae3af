namespace Mcp.Raw.Transport.Events;

/// <summary>Identifies one logical SSE stream: the session's public tag and the stream's id within it.</summary>
/// <param name="SessionTag">A random public tag of the session (never the secret session id, SEC-08).</param>
/// <param name="StreamId">The stream within the session: 0 is the standalone GET stream, POST streams count up from 1.</param>
public readonly record struct StreamKey(string SessionTag, long StreamId);

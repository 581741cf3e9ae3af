using System.Collections.Concurrent;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Server.Sessions;

/// <summary>
/// The initialized 2025 sessions this server serves (on every transport: Streamable HTTP, 2024-11-05 HTTP+SSE and
/// stdio), for what goes to all of them: list changes and resource updates. A session leaves when it ends.
/// </summary>
internal sealed class ServerSessions
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public ICollection<McpSession> Live => _sessions.Values;

    public void Add(McpSession session)
    {
        if (_sessions.TryAdd(session.Id, session))
        {
            // Unsafe: the callback needs no ExecutionContext, and capturing the initialize request's (its Activity,
            // its logging scopes) would keep them alive as long as the session.
            session.Ended.UnsafeRegister(static s =>
            {
                var (sessions, ended) = ((ConcurrentDictionary<string, McpSession>, McpSession))s!;
                sessions.TryRemove(ended.Id, out _);
            }, (_sessions, session));
        }
    }
}

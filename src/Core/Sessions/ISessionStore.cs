using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// Where sessions live: the one registry of 2025-era sessions, for every transport (Streamable HTTP, 2024-11-05
/// HTTP+SSE, stdio). The default keeps them in process, bounded by count and idle time; another assembly may keep
/// them elsewhere (a distributed store shares them between nodes and holds locally only the sessions whose streams
/// this process serves).
/// </summary>
public interface ISessionStore
{
    /// <summary>
    /// Creates a session for <paramref name="owner"/>. When the owner is at its quota, its own least recently active
    /// idle session is evicted; when the table is full, the least recently active idle one. A session with an open
    /// stream or a request in flight is never evicted. When nothing can be evicted the result names the refusal.
    /// </summary>
    ValueTask<SessionCreateResult> CreateAsync(McpProtocolVersion transportVersion, bool httpSse2024, SessionOwner owner, CancellationToken cancellationToken = default);

    /// <summary>Finds a live session and marks it active; null when unknown, expired or deleted.</summary>
    ValueTask<McpSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Ends and removes a session; false when it was not there.</summary>
    ValueTask<bool> RemoveAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The session's lifecycle state changed (its <c>initialize</c> was answered, its client sent
    /// <c>notifications/initialized</c>): a store that keeps sessions outside this process writes it, before the
    /// answer leaves. Called only for a session made with this store (<see cref="McpSession(string, string, McpProtocolVersion, SessionOwner, bool, Events.IEventStore?, ISessionStore?, long)"/>).
    /// </summary>
    ValueTask SaveAsync(McpSession session, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The number of live sessions this process holds.</summary>
    int Count { get; }

    /// <summary>
    /// The live sessions this process holds, safe to enumerate while sessions come and go (one that comes or goes
    /// meanwhile may or may not be seen). What goes to every session (list changes, resource updates) is sent to these.
    /// </summary>
    IEnumerable<McpSession> Local { get; }

    /// <summary>
    /// Ends the sessions idle for longer than <see cref="StreamableHttpOptions.SessionIdleTimeout"/> (a session with a
    /// request in flight or an open stream is never idle) and returns how many. Called on a timer by the transport.
    /// </summary>
    ValueTask<int> EvictIdleAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The process is stopping: ends what it holds, so that open streams close and shutdown never waits on them. The
    /// in-memory store ends every session; a shared store ends only this process's part and keeps the sessions.
    /// </summary>
    ValueTask StopAsync(CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="ISessionStore.CreateAsync"/>: the session, or why none was created.</summary>
public readonly record struct SessionCreateResult(McpSession? Session, RejectionReason Refusal);

using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>Where sessions live. The default keeps them in process, bounded by count and idle time.</summary>
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

    /// <summary>The number of live sessions.</summary>
    int Count { get; }
}

/// <summary>The outcome of <see cref="ISessionStore.CreateAsync"/>: the session, or why none was created.</summary>
public readonly record struct SessionCreateResult(McpSession? Session, RejectionReason Refusal);

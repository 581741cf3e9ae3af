using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>Where sessions live. The default keeps them in process, bounded by count and idle time.</summary>
public interface ISessionStore
{
    /// <summary>Creates a session, evicting the least recently active idle one when full; null when none can be evicted.</summary>
    ValueTask<McpSession?> CreateAsync(McpProtocolVersion transportVersion, bool legacySse, CancellationToken cancellationToken = default);

    /// <summary>Finds a live session and marks it active; null when unknown, expired or deleted.</summary>
    ValueTask<McpSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Ends and removes a session; false when it was not there.</summary>
    ValueTask<bool> RemoveAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>The number of live sessions.</summary>
    int Count { get; }
}

using System.Collections.Concurrent;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Server.Sessions;

/// <summary>What the server keeps per 2025 session: the log level (logging/setLevel) and the resource subscriptions.</summary>
internal sealed class SessionState(LoggingLevel level)
{
    private ConcurrentDictionary<string, byte>? _subscriptions;

    public LoggingLevel LogLevel { get; set; } = level;

    /// <summary>The subscribed resource URIs, made on first use (an idle session holds none).</summary>
    public ConcurrentDictionary<string, byte> Subscriptions => LazyInitializer.EnsureInitialized(ref _subscriptions, static () => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));

    public bool HasSubscriptions => _subscriptions is { IsEmpty: false };

    /// <summary>The session's state, made (once, even under a race) when the session has none yet.</summary>
    public static SessionState Of(McpSession session, LoggingLevel defaultLevel) =>
        session.HandlerState as SessionState
        ?? session.GetOrSetHandlerState(new SessionState(defaultLevel)) as SessionState
        ?? throw new InvalidOperationException("The session's handler state belongs to another handler.");
}

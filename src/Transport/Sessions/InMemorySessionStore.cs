using System.Collections.Concurrent;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Events;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// Sessions in a <see cref="ConcurrentDictionary{TKey, TValue}"/> (ordinal keys), evicted when idle longer than
/// <see cref="StreamableHttpOptions.SessionIdleTimeout"/> and capped at <see cref="StreamableHttpOptions.MaxSessions"/>
/// (TR-60). A session is removed after it is disposed, so a concurrent lookup never sees a half-ended session as live.
/// </summary>
public sealed class InMemorySessionStore : ISessionStore, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);
    private readonly StreamableHttpOptions _options;
    private readonly IEventStore _events;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public InMemorySessionStore(IOptions<StreamableHttpOptions> options, IEventStore events, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _events = events;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public int Count => _sessions.Count;

    /// <inheritdoc />
    public async ValueTask<McpSession?> CreateAsync(McpProtocolVersion transportVersion, bool legacySse, CancellationToken cancellationToken = default)
    {
        if (_sessions.Count >= _options.MaxSessions && !await EvictOneAsync().ConfigureAwait(false))
        {
            return null;
        }

        var session = new McpSession(SessionIdGenerator.NewSessionId(), SessionIdGenerator.NewTag(), transportVersion, _time.GetTimestamp())
        {
            IsLegacySse = legacySse,
            EventStore = legacySse ? null : _events,
        };
        _sessions[session.Id] = session;
        return session;
    }

    /// <inheritdoc />
    public ValueTask<McpSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (_sessions.TryGetValue(sessionId, out var session) && !session.IsDisposed)
        {
            session.Touch(_time.GetTimestamp());
            return new ValueTask<McpSession?>(session);
        }

        return new ValueTask<McpSession?>((McpSession?)null);
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            return false;
        }

        await session.DisposeAsync().ConfigureAwait(false);
        await _events.RemoveSessionAsync(session.Tag, cancellationToken).ConfigureAwait(false);
        return _sessions.TryRemove(new KeyValuePair<string, McpSession>(sessionId, session));
    }

    /// <summary>Ends sessions idle for longer than the timeout (those with requests in flight are never idle).</summary>
    public async ValueTask<int> EvictIdleAsync()
    {
        var now = _time.GetTimestamp();
        var evicted = 0;
        foreach (var (id, session) in _sessions)
        {
            if (session.ActiveRequests == 0 && _time.GetElapsedTime(session.LastActivity, now) > _options.SessionIdleTimeout
                && await RemoveAsync(id).ConfigureAwait(false))
            {
                evicted++;
            }
        }

        (_events as InMemoryEventStore)?.Evict();
        return evicted;
    }

    /// <summary>Ends every session (shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            await RemoveAsync(id).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> EvictOneAsync()
    {
        McpSession? oldest = null;
        foreach (var (_, session) in _sessions)
        {
            if (session.ActiveRequests == 0 && session.Standalone is null && (oldest is null || session.LastActivity < oldest.LastActivity))
            {
                oldest = session;
            }
        }

        return oldest is not null && await RemoveAsync(oldest.Id).ConfigureAwait(false);
    }
}

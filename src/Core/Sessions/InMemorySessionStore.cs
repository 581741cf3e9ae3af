using System.Collections.Concurrent;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// Sessions in a <see cref="ConcurrentDictionary{TKey, TValue}"/> (ordinal keys), evicted when idle longer than
/// <see cref="StreamableHttpOptions.SessionIdleTimeout"/> and bounded three ways: in total
/// (<see cref="StreamableHttpOptions.MaxSessions"/>), per owner (<see cref="StreamableHttpOptions.MaxSessionsPerPrincipal"/>,
/// <see cref="StreamableHttpOptions.MaxAnonymousSessionsPerAddress"/>) and for 2024-11-05 connections
/// (<see cref="StreamableHttpOptions.MaxHttpSse2024Sessions"/>), so that no one client can pin the table (TR-60).
/// A session is removed after it is disposed, so a concurrent lookup never sees a half-ended session as live.
/// </summary>
public sealed partial class InMemorySessionStore : ISessionStore, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tags = new(StringComparer.Ordinal); // under _createLock
    private readonly Dictionary<string, int> _perOwner = new(StringComparer.Ordinal);
    private readonly Lock _createLock = new();
    private readonly StreamableHttpOptions _options;
    private readonly IEventStore _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _httpSse2024;

    /// <summary>Creates the store.</summary>
    public InMemorySessionStore(IOptions<StreamableHttpOptions> options, IEventStore events, ILogger<InMemorySessionStore>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _events = events;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public int Count => _sessions.Count;

    /// <inheritdoc />
    public IEnumerable<McpSession> Local
    {
        get
        {
            // The dictionary's own enumerator: no lock and no copy of the table.
            foreach (var (_, session) in _sessions)
            {
                yield return session;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<SessionCreateResult> CreateAsync(McpProtocolVersion transportVersion, bool httpSse2024, SessionOwner owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var quota = owner.Principal is null ? _options.MaxAnonymousSessionsPerAddress : _options.MaxSessionsPerPrincipal;
        var quotaKey = QuotaKey(owner, httpSse2024);
        McpSession? evicted = null;
        string? evictReason = null;
        McpSession session;
        lock (_createLock)
        {
            if (httpSse2024 && _httpSse2024 >= _options.MaxHttpSse2024Sessions)
            {
                return new SessionCreateResult(null, RejectionReason.TooManyHttpSse2024Connections);
            }

            // The victim leaves the table in the same step as the new session enters it, so concurrent creators never
            // race for the freed slot.
            if (_perOwner.GetValueOrDefault(quotaKey) >= quota)
            {
                evicted = FindEvictable(quotaKey);
                evictReason = "its owner reached the per-client session cap";
                if (evicted is null)
                {
                    return new SessionCreateResult(null, RejectionReason.SessionQuotaExceeded);
                }
            }
            else if (_sessions.Count >= _options.MaxSessions)
            {
                evicted = FindEvictable(null);
                evictReason = "the session table is full";
                if (evicted is null)
                {
                    return new SessionCreateResult(null, RejectionReason.TooManySessions);
                }
            }

            if (evicted is not null)
            {
                DetachLocked(evicted);
            }

            session = new McpSession(SessionIdGenerator.NewSessionId(), NewUniqueTag(), transportVersion, _time.GetTimestamp(), owner)
            {
                IsHttpSse2024 = httpSse2024,
                EventStore = httpSse2024 ? null : _events,
            };
            _sessions[session.Id] = session;
            _perOwner[quotaKey] = _perOwner.GetValueOrDefault(quotaKey) + 1;
            if (httpSse2024)
            {
                _httpSse2024++;
            }
        }

        if (evicted is not null)
        {
            LogEvicted(_logger, evicted.Tag, evictReason!);
            await EndAsync(evicted).ConfigureAwait(false);
        }

        return new SessionCreateResult(session, default);
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

        // Ended first, then taken out of the table: a concurrent lookup never sees a half-ended session as live.
        await EndAsync(session).ConfigureAwait(false);
        lock (_createLock)
        {
            return DetachLocked(session);
        }
    }

    private async ValueTask EndAsync(McpSession session)
    {
        await session.DisposeAsync().ConfigureAwait(false);
        await _events.RemoveSessionAsync(session.Tag, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Takes a session out of the table and its counts; false when it was gone already. Under the create lock.</summary>
    private bool DetachLocked(McpSession session)
    {
        if (!_sessions.TryRemove(new KeyValuePair<string, McpSession>(session.Id, session)))
        {
            return false;
        }

        var key = QuotaKey(session.Owner, session.IsHttpSse2024);
        if (_perOwner.TryGetValue(key, out var owned))
        {
            if (owned <= 1)
            {
                _perOwner.Remove(key);
            }
            else
            {
                _perOwner[key] = owned - 1;
            }
        }

        if (session.IsHttpSse2024)
        {
            _httpSse2024--;
        }

        _tags.Remove(session.Tag);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<int> EvictIdleAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetTimestamp();
        var evicted = 0;
        foreach (var (id, session) in _sessions)
        {
            if (session.ActiveRequests == 0 && session.Standalone is null && _time.GetElapsedTime(session.LastActivity, now) > _options.SessionIdleTimeout
                && await RemoveAsync(id, CancellationToken.None).ConfigureAwait(false))
            {
                evicted++;
            }
        }

        return evicted;
    }

    /// <inheritdoc />
    public ValueTask StopAsync(CancellationToken cancellationToken = default) => DisposeAsync();

    /// <summary>
    /// Ends every session, for a container disposed synchronously. Ending an in-memory session does no I/O: this
    /// waits only for the callbacks registered on the sessions' <see cref="McpSession.Ended"/> tokens.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Ends every session (shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            await RemoveAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// 2024-11-05 connections count apart from 2025 sessions: a client holding its most HTTP+SSE streams can still
    /// initialize (and the HTTP+SSE total has its own cap).
    /// </summary>
    private static string QuotaKey(SessionOwner owner, bool httpSse2024) => httpSse2024 ? owner.QuotaKey + "|2024-11-05" : owner.QuotaKey;

    /// <summary>Session tags appear in event ids: a tag is never shared by two live sessions. Under the create lock.</summary>
    private string NewUniqueTag()
    {
        while (true)
        {
            var tag = SessionIdGenerator.NewTag();
            if (_tags.Add(tag))
            {
                return tag;
            }
        }
    }

    /// <summary>The least recently active session (of one owner, or of all) with no open stream and nothing in flight.</summary>
    private McpSession? FindEvictable(string? quotaKey)
    {
        McpSession? oldest = null;
        foreach (var (_, session) in _sessions)
        {
            if (session.ActiveRequests == 0 && session.Standalone is null && !session.IsDisposed
                && (quotaKey is null || QuotaKey(session.Owner, session.IsHttpSse2024) == quotaKey)
                && (oldest is null || session.LastActivity < oldest.LastActivity))
            {
                oldest = session;
            }
        }

        return oldest;
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Session {Tag} evicted: {Reason}; it was the least recently active idle one.")]
    private static partial void LogEvicted(ILogger logger, string tag, string reason);
}

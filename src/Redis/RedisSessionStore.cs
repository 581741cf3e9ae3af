using System.Collections.Concurrent;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// 2025-era sessions kept in Redis, so that any node serves any request of a session: every lookup reads the record
/// and renews its TTL (the idle timeout) in one round trip, so DELETE on one node and expiry are seen by all at
/// once. Each node keeps its own copy of the sessions it serves (<see cref="Local"/>: their requests in flight, their
/// streams), ended when the session ends anywhere (a message on <c>{prefix}ended</c>). The caps hold cluster-wide:
/// the table, each owner's quota, the 2024-11-05 connections. At a cap a new session is refused (429 or 503): which
/// of another node's sessions is idle is not known here, so none is evicted for it.
/// </summary>
public sealed partial class RedisSessionStore : ISessionStore, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, McpSession> _local = new(StringComparer.Ordinal);
    private readonly RedisConnection _redis;
    private readonly StreamableHttpOptions _options;
    private readonly IEventStore _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _subscribeLock = new(1, 1);
    private bool _subscribed;

    internal RedisSessionStore(RedisConnection redis, IOptions<StreamableHttpOptions> options, IEventStore events, ILogger<RedisSessionStore> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _options = options.Value;
        _events = events;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    private string Prefix => _redis.Prefix;

    private long TtlMs => Math.Max(1, (long)_options.SessionIdleTimeout.TotalMilliseconds);

    /// <inheritdoc />
    public int Count => _local.Count;

    /// <inheritdoc />
    public IEnumerable<McpSession> Local
    {
        get
        {
            foreach (var (_, session) in _local)
            {
                yield return session;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<SessionCreateResult> CreateAsync(McpProtocolVersion transportVersion, bool httpSse2024, SessionOwner owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        await EnsureSubscribedAsync().ConfigureAwait(false);
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        var quota = owner.Principal is null ? _options.MaxAnonymousSessionsPerAddress : _options.MaxSessionsPerPrincipal;
        var quotaKey = RedisSessionRecord.QuotaKey(owner, httpSse2024);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var session = new McpSession(McpSession.NewId(), McpSession.NewTag(), transportVersion, owner, httpSse2024, httpSse2024 ? null : _events, this, _time.GetTimestamp());
            var record = RedisSessionRecord.Of(session, transportVersion).Serialize();
            var outcome = (int)await RedisGuard.Run(db.ScriptEvaluateAsync(RedisSessionScripts.Create, values:
            [
                Prefix, session.Id, record, TtlMs, NowMs(), _options.MaxSessions, quota, quotaKey, session.Tag, httpSse2024 ? "1" : "0", _options.MaxHttpSse2024Sessions,
            ])).ConfigureAwait(false);
            switch (outcome)
            {
                case 0:
                    _local[session.Id] = session;
                    return new SessionCreateResult(session, default);
                case 1:
                    return new SessionCreateResult(null, RejectionReason.TooManySessions);
                case 2:
                    return new SessionCreateResult(null, RejectionReason.SessionQuotaExceeded);
                case 4:
                    return new SessionCreateResult(null, RejectionReason.TooManyHttpSse2024Connections);
            }

            // 3: the tag is taken by a live session; draw again.
        }

        return new SessionCreateResult(null, RejectionReason.TooManySessions);
    }

    /// <inheritdoc />
    public async ValueTask<McpSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        await EnsureSubscribedAsync().ConfigureAwait(false);
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        var value = (RedisValue)await RedisGuard.Run(db.ScriptEvaluateAsync(RedisSessionScripts.Touch, values: [Prefix, sessionId, TtlMs, NowMs()])).ConfigureAwait(false);
        if (value.IsNull || !RedisSessionRecord.TryParse((byte[])value!, out var record))
        {
            // Gone everywhere (deleted, expired): this node's copy goes too.
            if (_local.TryRemove(sessionId, out var stale))
            {
                await stale.DisposeAsync().ConfigureAwait(false);
            }

            return null;
        }

        if (_local.TryGetValue(sessionId, out var local) && !local.IsDisposed)
        {
            local.Touch(_time.GetTimestamp());
            if (local.IsInitialized != record.Initialized || local.ClientReady != record.ClientReady)
            {
                Restore(local, record);
            }

            return local;
        }

        if (record.HttpSse2024)
        {
            // A 2024-11-05 session is its one SSE connection: only the node holding it can serve its /messages (the
            // load balancer must send them there); elsewhere it is unknown (404), never a 202 for a message dropped.
            return null;
        }

        var copy = new McpSession(sessionId, record.Tag, record.TransportVersion, record.Owner, false, _events, this, _time.GetTimestamp());
        Restore(copy, record);
        return _local.AddOrUpdate(sessionId, copy, (_, existing) => existing.IsDisposed ? copy : existing);
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(McpSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        await RedisGuard.Run(db.ScriptEvaluateAsync(RedisSessionScripts.Save, values: [Prefix, session.Id, RedisSessionRecord.Of(session, session.ProtocolVersion).Serialize()])).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        var tag = (RedisValue)await RedisGuard.Run(db.ScriptEvaluateAsync(RedisSessionScripts.Remove, values: [Prefix, sessionId])).ConfigureAwait(false);
        if (_local.TryRemove(sessionId, out var local))
        {
            await local.DisposeAsync().ConfigureAwait(false);
        }

        if (tag.IsNull)
        {
            return false;
        }

        await _events.RemoveSessionAsync((string)tag!, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The sweep on each node: a session at work here (a request in flight, an open stream) is renewed in Redis, since
    /// its client may send nothing for longer than the idle timeout; a copy idle here for the idle timeout is dropped
    /// (the session lives on in Redis for the other nodes), and a copy whose session is gone is ended.
    /// </summary>
    public async ValueTask<int> EvictIdleAsync(CancellationToken cancellationToken = default)
    {
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        var now = _time.GetTimestamp();
        var renewAfter = _options.SessionIdleTimeout / 4;
        var ended = 0;
        foreach (var (id, session) in _local)
        {
            var idle = _time.GetElapsedTime(session.LastActivityTimestamp, now);
            bool alive;
            if (session.IsActive)
            {
                if (idle < renewAfter)
                {
                    // A lookup renewed it lately.
                    continue;
                }

                alive = !((RedisValue)await RedisGuard.Run(db.ScriptEvaluateAsync(RedisSessionScripts.Touch, values: [Prefix, id, TtlMs, NowMs()])).ConfigureAwait(false)).IsNull;
                if (alive)
                {
                    session.Touch(_time.GetTimestamp());
                    continue;
                }
            }
            else if (idle > _options.SessionIdleTimeout)
            {
                alive = await RedisGuard.Run(db.KeyExistsAsync(Prefix + "s:" + id)).ConfigureAwait(false);

                // Looked at again after the round trip: a request may have taken the copy meanwhile.
                if (session.IsActive || _time.GetElapsedTime(session.LastActivityTimestamp, _time.GetTimestamp()) <= _options.SessionIdleTimeout)
                {
                    continue;
                }

                if (alive)
                {
                    // Idle here, alive elsewhere: only this node's copy goes.
                    _local.TryRemove(new KeyValuePair<string, McpSession>(id, session));
                    continue;
                }
            }
            else
            {
                continue;
            }

            if (_local.TryRemove(new KeyValuePair<string, McpSession>(id, session)))
            {
                await session.DisposeAsync().ConfigureAwait(false);
                ended++;
            }
        }

        return ended;
    }

    /// <summary>This node stops: its copies end (their streams close, their clients resume on another node); the sessions stay.</summary>
    public async ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var id in _local.Keys)
        {
            if (_local.TryRemove(id, out var session))
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Ends this node's copies, for a container disposed synchronously (ending a copy does no I/O: it waits only for
    /// the callbacks on the copies' <see cref="McpSession.Ended"/> tokens).
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _subscribeLock.Dispose();
    }

    private static void Restore(McpSession session, RedisSessionRecord record)
    {
        if (record.Version is not McpProtocolVersion.Unknown && !record.Version.IsModern())
        {
            session.Negotiate(record.Version, record.Capabilities, record.ClientInfo);
        }

        session.RestoreLifecycle(record.Initialized, record.ClientReady);
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Listens for sessions ended on any node (DELETE there), once.</summary>
    private async ValueTask EnsureSubscribedAsync()
    {
        if (Volatile.Read(ref _subscribed))
        {
            return;
        }

        await _subscribeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_subscribed)
            {
                var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
                var channel = RedisChannel.Literal(Prefix + "ended");

                // The handler is registered before SUBSCRIBE is sent, and the multiplexer subscribes again on each
                // reconnect: registered once, even when Redis is away now.
                Volatile.Write(ref _subscribed, true);
                try
                {
                    await multiplexer.GetSubscriber().SubscribeAsync(channel, OnEndedElsewhere).ConfigureAwait(false);
                }
                catch (Exception e) when (RedisGuard.IsTransient(e))
                {
                    // Subscribed when the connection comes back.
                }
            }
        }
        finally
        {
            _subscribeLock.Release();
        }
    }

    private void OnEndedElsewhere(RedisChannel channel, RedisValue id) => _ = EndLocalAsync((string?)id);

    private async Task EndLocalAsync(string? id)
    {
        if (id is not null && _local.TryRemove(id, out var session))
        {
            LogEndedElsewhere(_logger, session.Tag);
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Debug, Message = "Session {Tag} ended on another node; this node's copy is closed.")]
    private static partial void LogEndedElsewhere(ILogger logger, string tag);
}

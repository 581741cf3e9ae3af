namespace Mcp.Raw.Redis;

/// <summary>
/// The session store's Lua scripts: each step that must be atomic across nodes is one script, one round trip
/// (StackExchange.Redis sends a script's SHA once it is loaded).
/// Keys: <c>{p}s:{id}</c> the record (TTL = the idle timeout), <c>{p}t:{tag}</c> the tag's reservation (same TTL),
/// <c>{p}sessions</c> and <c>{p}o:{quotaKey}</c> sorted sets of ids scored by last activity (the caps count them,
/// after dropping members older than the idle timeout), <c>{p}sse2024</c> the same for 2024-11-05 connections.
/// </summary>
internal static class RedisSessionScripts
{
    /// <summary>
    /// <c>header(v)</c>: the quota key and the tag of a record (<see cref="RedisSessionRecord"/>: two length-prefixed
    /// fields before its JSON), for the scripts that find a session's other keys from its record.
    /// </summary>
    private const string Header = """
        local function header(v)
          local c = string.find(v, ':', 1, true)
          local ql = tonumber(string.sub(v, 1, c - 1))
          local rest = c + ql + 1
          local c2 = string.find(v, ':', rest, true)
          local tl = tonumber(string.sub(v, rest, c2 - 1))
          return string.sub(v, c + 1, c + ql), string.sub(v, c2 + 1, c2 + tl)
        end

        """;

    /// <summary>
    /// ARGV: prefix, id, record, ttl ms, now ms, max sessions, per-owner quota, quota key, tag, is 2024 (0/1),
    /// max 2024. Returns 0 created, 1 table full, 2 owner at quota, 3 tag taken, 4 too many 2024-11-05 connections.
    /// </summary>
    public const string Create = """
        local p = ARGV[1]
        local cutoff = tonumber(ARGV[5]) - tonumber(ARGV[4])
        local all = p .. 'sessions'
        local owner = p .. 'o:' .. ARGV[8]
        redis.call('ZREMRANGEBYSCORE', all, '-inf', cutoff)
        redis.call('ZREMRANGEBYSCORE', owner, '-inf', cutoff)
        if ARGV[10] == '1' then
          redis.call('ZREMRANGEBYSCORE', p .. 'sse2024', '-inf', cutoff)
          if redis.call('ZCARD', p .. 'sse2024') >= tonumber(ARGV[11]) then return 4 end
        end
        if redis.call('ZCARD', owner) >= tonumber(ARGV[7]) then return 2 end
        if redis.call('ZCARD', all) >= tonumber(ARGV[6]) then return 1 end
        if not redis.call('SET', p .. 't:' .. ARGV[9], ARGV[2], 'NX', 'PX', ARGV[4]) then return 3 end
        redis.call('SET', p .. 's:' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
        redis.call('ZADD', all, ARGV[5], ARGV[2])
        redis.call('ZADD', owner, ARGV[5], ARGV[2])
        redis.call('PEXPIRE', owner, ARGV[4])
        if ARGV[10] == '1' then redis.call('ZADD', p .. 'sse2024', ARGV[5], ARGV[2]) end
        return 0
        """;

    /// <summary>
    /// Reads a record and marks the session active (its TTL and its scores renewed). ARGV: prefix, id, ttl ms, now ms.
    /// Returns the record, or nil when the session is unknown, expired or deleted.
    /// </summary>
    public const string Touch = Header + """
        local p = ARGV[1]
        local key = p .. 's:' .. ARGV[2]
        local v = redis.call('GET', key)
        if not v then return false end
        local quota, tag = header(v)
        local owner = p .. 'o:' .. quota
        redis.call('PEXPIRE', key, ARGV[3])
        redis.call('PEXPIRE', p .. 't:' .. tag, ARGV[3])
        redis.call('ZADD', p .. 'sessions', ARGV[4], ARGV[2])
        redis.call('ZADD', owner, ARGV[4], ARGV[2])
        redis.call('PEXPIRE', owner, ARGV[3])
        if redis.call('ZSCORE', p .. 'sse2024', ARGV[2]) then redis.call('ZADD', p .. 'sse2024', ARGV[4], ARGV[2]) end
        -- The standalone stream's count lives as long as its session: its ids are never reused.
        redis.call('PEXPIRE', p .. 'e:' .. tag .. ':0:m', ARGV[3])
        return v
        """;

    /// <summary>
    /// Replaces a live record, keeping its TTL (a lifecycle step). ARGV: prefix, id, record. Returns 1, or 0 when the
    /// session is gone.
    /// </summary>
    public const string Save = """
        if redis.call('SET', ARGV[1] .. 's:' .. ARGV[2], ARGV[3], 'XX', 'KEEPTTL') then return 1 end
        return 0
        """;

    /// <summary>
    /// Ends a session everywhere: the record, its tag, its scores, then one message to every node. ARGV: prefix, id.
    /// Returns the tag, or nil when the session was not there.
    /// </summary>
    public const string Remove = Header + """
        local p = ARGV[1]
        local key = p .. 's:' .. ARGV[2]
        local v = redis.call('GET', key)
        if not v then return false end
        local quota, tag = header(v)
        redis.call('DEL', key, p .. 't:' .. tag)
        redis.call('ZREM', p .. 'sessions', ARGV[2])
        redis.call('ZREM', p .. 'o:' .. quota, ARGV[2])
        redis.call('ZREM', p .. 'sse2024', ARGV[2])
        redis.call('PUBLISH', p .. 'ended', ARGV[2])
        return tag
        """;
}

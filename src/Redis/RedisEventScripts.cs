namespace Mcp.Raw.Redis;

/// <summary>
/// The event store's Lua scripts. Per stream: <c>{p}e:{tag}:{stream}</c> a Redis Stream whose entry ids are
/// <c>0-{seq}</c> (the SSE event id's sequence), <c>{p}e:{tag}:{stream}:m</c> a hash (<c>seq</c>, <c>bytes</c>,
/// <c>done</c>); per session <c>{p}e:{tag}</c>, the set of its stream ids. Appends and completions publish on
/// <c>{p}ev:{tag}:{stream}</c> (the sequence, or 0 for done), which is what wakes a reader on any node.
/// </summary>
internal static class RedisEventScripts
{
    /// <summary>
    /// ARGV: prefix, tag, stream, meta ttl ms. Registers the stream (sequence 0) unless it exists. The count lives as
    /// long as the session may (its TTL renewed by each append), so a stream silent for longer than its events are
    /// kept goes on counting instead of reusing ids.
    /// </summary>
    public const string Create = """
        local base = ARGV[1] .. 'e:' .. ARGV[2] .. ':' .. ARGV[3]
        local idx = ARGV[1] .. 'e:' .. ARGV[2]
        redis.call('HSETNX', base .. ':m', 'seq', 0)
        redis.call('PEXPIRE', base .. ':m', ARGV[4])
        redis.call('SADD', idx, ARGV[3])
        redis.call('PEXPIRE', idx, ARGV[4])
        return 1
        """;

    /// <summary>
    /// ARGV: prefix, tag, stream, data, max events, max bytes, events ttl ms, meta ttl ms. Appends one event, drops
    /// the oldest beyond either bound, renews the TTLs and wakes the readers. Returns the sequence.
    /// </summary>
    public const string Append = """
        local base = ARGV[1] .. 'e:' .. ARGV[2] .. ':' .. ARGV[3]
        local meta = base .. ':m'
        local idx = ARGV[1] .. 'e:' .. ARGV[2]
        local seq = redis.call('HINCRBY', meta, 'seq', 1)
        local bytes = redis.call('HINCRBY', meta, 'bytes', string.len(ARGV[4]))
        redis.call('XADD', base, '0-' .. seq, 'd', ARGV[4])
        local maxEvents = tonumber(ARGV[5])
        local maxBytes = tonumber(ARGV[6])
        while bytes > maxBytes or redis.call('XLEN', base) > maxEvents do
          local first = redis.call('XRANGE', base, '-', '+', 'COUNT', 1)
          if #first == 0 then break end
          redis.call('XDEL', base, first[1][1])
          bytes = redis.call('HINCRBY', meta, 'bytes', -string.len(first[1][2][2]))
        end
        redis.call('PEXPIRE', base, ARGV[7])
        redis.call('PEXPIRE', meta, ARGV[8])
        redis.call('SADD', idx, ARGV[3])
        redis.call('PEXPIRE', idx, ARGV[8])
        redis.call('PUBLISH', ARGV[1] .. 'ev:' .. ARGV[2] .. ':' .. ARGV[3], seq)
        return seq
        """;

    /// <summary>ARGV: prefix, tag, stream, ttl ms. Marks the stream complete, keeps it for the TTL, wakes the readers.</summary>
    public const string Complete = """
        local base = ARGV[1] .. 'e:' .. ARGV[2] .. ':' .. ARGV[3]
        local found = redis.call('EXISTS', base .. ':m')
        if found == 1 then
          redis.call('HSET', base .. ':m', 'done', 1)
          redis.call('PEXPIRE', base .. ':m', ARGV[4])
          redis.call('PEXPIRE', base, ARGV[4])
        end
        redis.call('PUBLISH', ARGV[1] .. 'ev:' .. ARGV[2] .. ':' .. ARGV[3], 0)
        return found
        """;

    /// <summary>ARGV: prefix, tag. Forgets every stream of a session.</summary>
    public const string RemoveSession = """
        local idx = ARGV[1] .. 'e:' .. ARGV[2]
        for _, stream in ipairs(redis.call('SMEMBERS', idx)) do
          local base = idx .. ':' .. stream
          redis.call('DEL', base, base .. ':m')
          redis.call('PUBLISH', ARGV[1] .. 'ev:' .. ARGV[2] .. ':' .. stream, 0)
        end
        redis.call('DEL', idx)
        return 1
        """;
}

using Mcp.Raw.Server.Tasks;
using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// The tasks extension's store in Redis, so that <c>tasks/get</c> answers on any node: each task one value under
/// <c>{prefix}task:{id}</c>, kept while it runs (renewed by each change, <see cref="RunningRetention"/>) and for its
/// TTL (or <see cref="DefaultRetention"/>) once terminal. A change is a compare-and-set, so two nodes never lose one
/// another's update. The running tool itself stays on the node that started it; <c>tasks/update</c> and
/// <c>tasks/cancel</c> reach it from any node through the change broadcast.
/// </summary>
public sealed class RedisTaskStore : ITaskStore
{
    private const string CompareAndSet = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0
        """;

    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;

    internal RedisTaskStore(RedisConnection redis, TimeProvider? time = null)
    {
        _redis = redis;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long a running task's record lives without a change. Default 24 hours.</summary>
    public TimeSpan RunningRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a terminal task without a TTL of its own is kept. Default 1 hour.</summary>
    public TimeSpan DefaultRetention { get; init; } = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    public async ValueTask<bool> TryCreateAsync(McpTaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        return await RedisGuard.Run(db.StringSetAsync(Key(task.TaskId), RedisTaskRecord.Serialize(task), Retention(task), When.NotExists)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<McpTaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        var value = await RedisGuard.Run(db.StringGetAsync(Key(taskId))).ConfigureAwait(false);
        return value.IsNull ? null : RedisTaskRecord.Parse((byte[])value!);
    }

    /// <inheritdoc/>
    public async ValueTask<McpTaskRecord?> UpdateAsync(string taskId, Func<McpTaskRecord, McpTaskRecord?> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        ArgumentNullException.ThrowIfNull(update);
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var value = await RedisGuard.Run(db.StringGetAsync(Key(taskId))).ConfigureAwait(false);
            if (value.IsNull || RedisTaskRecord.Parse((byte[])value!) is not { } current)
            {
                return null;
            }

            if (current.State.IsTerminal() || update(current) is not { } changed)
            {
                return current;
            }

            changed = changed with { TaskId = current.TaskId, Owner = current.Owner, CreatedAt = current.CreatedAt, LastUpdatedAt = _time.GetUtcNow() };
            var retention = (long)Retention(changed).TotalMilliseconds;
            if ((int)await RedisGuard.Run(db.ScriptEvaluateAsync(CompareAndSet, [Key(taskId)], [value, RedisTaskRecord.Serialize(changed), retention])).ConfigureAwait(false) == 1)
            {
                return changed;
            }

            // Another node changed it meanwhile: apply the update to what it wrote.
        }

        throw new Mcp.Raw.Transport.StoreUnavailableException("The task changed on other nodes too often to be updated.");
    }

    private TimeSpan Retention(McpTaskRecord task) =>
        !task.State.IsTerminal() ? RunningRetention
        : task.TtlMs is { } ttl ? TimeSpan.FromMilliseconds(Math.Max(1, ttl)) : DefaultRetention;

    private string Key(string taskId) => _redis.Prefix + "task:" + taskId;
}

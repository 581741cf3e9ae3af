namespace Mcp.Raw.Server.Tasks;

/// <summary>
/// The default <see cref="ITaskStore"/>: one process, bounded in count (<see cref="MaxTasks"/>) and in bytes
/// (<see cref="MaxBytes"/>), each finished task forgotten <c>ttlMs</c> after it finished (T-17; a task without a TTL
/// after <see cref="DefaultRetention"/>; a running task is kept), swept by one timer. A full store refuses new tasks; it never drops a live one.
/// </summary>
public sealed class InMemoryTaskStore : ITaskStore, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _tasks = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;
    private long _bytes;

    /// <summary>Creates the store.</summary>
    public InMemoryTaskStore(int maxTasks = 10_000, long maxBytes = 64L * 1024 * 1024, TimeSpan? defaultRetention = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTasks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        MaxTasks = maxTasks;
        MaxBytes = maxBytes;
        DefaultRetention = defaultRetention ?? TimeSpan.FromHours(1);
        _time = time ?? TimeProvider.System;
        _sweep = _time.CreateTimer(static s => ((InMemoryTaskStore)s!).Sweep(), this, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    /// <summary>The most tasks held at once.</summary>
    public int MaxTasks { get; }

    /// <summary>The most bytes held at once (results, errors and input requests included).</summary>
    public long MaxBytes { get; }

    /// <summary>How long a task without a TTL is kept after its last change.</summary>
    public TimeSpan DefaultRetention { get; }

    /// <summary>The tasks held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tasks.Count;
            }
        }
    }

    /// <summary>The bytes held.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <inheritdoc/>
    public ValueTask<bool> TryCreateAsync(McpTaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_tasks.Count >= MaxTasks || _bytes + task.Size > MaxBytes)
            {
                // Expired tasks make room before a refusal.
                SweepLocked(now);
                if (_tasks.Count >= MaxTasks || _bytes + task.Size > MaxBytes)
                {
                    return new ValueTask<bool>(false);
                }
            }

            if (!_tasks.TryAdd(task.TaskId, new Entry(task, ExpiryOf(task, now))))
            {
                return new ValueTask<bool>(false);
            }

            _bytes += task.Size;
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<McpTaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return new ValueTask<McpTaskRecord?>(_tasks.TryGetValue(taskId, out var entry) && entry.ExpiresAt > now ? entry.Task : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<McpTaskRecord?> UpdateAsync(string taskId, Func<McpTaskRecord, McpTaskRecord?> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        ArgumentNullException.ThrowIfNull(update);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_tasks.TryGetValue(taskId, out var entry) || entry.ExpiresAt <= now)
            {
                return new ValueTask<McpTaskRecord?>((McpTaskRecord?)null);
            }

            if (entry.Task.State.IsTerminal() || update(entry.Task) is not { } changed)
            {
                return new ValueTask<McpTaskRecord?>(entry.Task);
            }

            changed = changed with { TaskId = entry.Task.TaskId, Owner = entry.Task.Owner, CreatedAt = entry.Task.CreatedAt, LastUpdatedAt = now };
            if (changed.Size > entry.Task.Size && _bytes + changed.Size - entry.Task.Size > MaxBytes)
            {
                // The bound holds for results too: a result that does not fit fails the task instead (-32603).
                changed = changed with
                {
                    State = McpTaskState.Failed,
                    InputRequests = default,
                    Result = default,
                    StatusMessage = "The task's result or input did not fit in the task store.",
                    Error = "{\"code\":-32603,\"message\":\"Internal error: the task's result or input did not fit in the task store.\"}"u8.ToArray(),
                };
            }

            _bytes += changed.Size - entry.Task.Size;
            _tasks[taskId] = new Entry(changed, ExpiryOf(changed, now));
            return new ValueTask<McpTaskRecord?>(changed);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _sweep.Dispose();

    /// <summary>A running task is kept; a terminal one for its TTL (or the default retention) from its last change.</summary>
    private DateTimeOffset ExpiryOf(McpTaskRecord task, DateTimeOffset now) =>
        !task.State.IsTerminal() ? DateTimeOffset.MaxValue
        : now + (task.TtlMs is { } ttl ? TimeSpan.FromMilliseconds(ttl) : DefaultRetention);

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            SweepLocked(now);
        }
    }

    private void SweepLocked(DateTimeOffset now)
    {
        List<string>? expired = null;
        foreach (var (id, entry) in _tasks)
        {
            if (entry.ExpiresAt <= now)
            {
                (expired ??= []).Add(id);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var id in expired)
        {
            if (_tasks.Remove(id, out var entry))
            {
                _bytes -= entry.Task.Size;
            }
        }
    }

    private readonly record struct Entry(McpTaskRecord Task, DateTimeOffset ExpiresAt);
}

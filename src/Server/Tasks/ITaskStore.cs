namespace Mcp.Raw.Server.Tasks;

/// <summary>
/// Where tasks live (the tasks extension, SEP-2663). The in-memory default is <see cref="InMemoryTaskStore"/>; a
/// distributed store implements the same three operations, strongly consistent for creation (a <c>tasks/get</c> sent
/// right after the <c>CreateTaskResult</c> finds the task, T-09). A store never changes a terminal task (T-18) and
/// forgets a task after its TTL (T-17).
/// </summary>
public interface ITaskStore
{
    /// <summary>Stores a new task; false when the store is full (the call is then refused, not queued).</summary>
    ValueTask<bool> TryCreateAsync(McpTaskRecord task, CancellationToken cancellationToken = default);

    /// <summary>The task, or null when it is unknown or expired.</summary>
    ValueTask<McpTaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the task with what <paramref name="update"/> makes of it (null: no change), atomically; a terminal task
    /// is passed to no update. Returns the task as it is after the call, or null when it is unknown or expired.
    /// </summary>
    ValueTask<McpTaskRecord?> UpdateAsync(string taskId, Func<McpTaskRecord, McpTaskRecord?> update, CancellationToken cancellationToken = default);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Tasks;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Server.Features.Tasks;

/// <summary>
/// The tasks extension on this server (<c>io.modelcontextprotocol/tasks</c>, SEP-2663): which calls become tasks, the
/// tasks running here, and the checks every task request passes (the extension declared on this request, T-03; a
/// task of this caller, T-26).
/// </summary>
internal sealed class TaskRunner(McpServer server, ITaskStore store)
{
    /// <summary>The extension's identifier.</summary>
    public const string Extension = "io.modelcontextprotocol/tasks";

    private readonly ConcurrentDictionary<string, RunningTask> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _runningPerOwner = new(StringComparer.Ordinal);

    public ITaskStore Store => store;

    /// <summary>
    /// A task cancelled through this process while its tool runs in another (T-22): it is cancelled in the shared
    /// store here, so its state is right whether or not the message that stops the tool arrives.
    /// </summary>
    public ValueTask<McpTaskRecord?> CancelInStoreAsync(string taskId) => store.UpdateAsync(taskId, RunningTask.Cancelled);

    /// <summary>The tasks running on this node.</summary>
    public int RunningCount => _running.Count;

    /// <summary>Whether this request (never an earlier one, T-02) declares the extension in its <c>_meta</c> clientCapabilities.</summary>
    public static bool Declares(McpRequestContext context) =>
        context.IsModern && context.ClientCapabilities?.Extensions is { } extensions && extensions.ContainsKey(Extension);

    /// <summary>-32021 with <c>requiredCapabilities.extensions["io.modelcontextprotocol/tasks"]</c> (T-03, T-04).</summary>
    public static McpMissingCapabilityException NotDeclared() => new(Extension);

    /// <summary>A task-to-be for a call that may become one: its tool runs with the task's token from the start.</summary>
    public RunningTask Prepare(McpRequestContext context)
    {
        var running = new RunningTask(NewTaskId(), store, server.Logger, Announce);
        running.LinkRequest(context.Cancellation);
        return running;
    }

    /// <summary>
    /// Makes the running call a task (the tool has yielded): the record is stored before the answer leaves (T-09), the
    /// tool goes on in the background. Null when the store is full (the call then goes on as a plain one).
    /// </summary>
    public async ValueTask<McpTaskRecord?> TryStartAsync(McpRequestContext context, McpServerTool tool, RunningTask running, McpContext mcp, Task<CallToolResult> run)
    {
        var options = server.Options;
        if (context.Cancellation.IsCancellationRequested)
        {
            // The client has gone before the task existed: no task that nobody could follow.
            running.NotCreated();
            return null;
        }

        // One principal (or all anonymous callers together) runs at most MaxRunningTasksPerPrincipal at once.
        var owner = SessionOwner.GetPrincipalKey(context.User);
        var quotaKey = owner ?? string.Empty;
        if (_runningPerOwner.AddOrUpdate(quotaKey, 1, static (_, n) => n + 1) > options.MaxRunningTasksPerPrincipal)
        {
            Release(quotaKey);
            running.NotCreated();
            return null;
        }

        var now = server.Time.GetUtcNow();
        var record = new McpTaskRecord
        {
            TaskId = running.TaskId,
            Owner = owner,
            ToolName = tool.Name,
            State = McpTaskState.Working,
            CreatedAt = now,
            LastUpdatedAt = now,
            TtlMs = options.TaskTimeToLive is { } ttl ? (long)ttl.TotalMilliseconds : null,
            PollIntervalMs = (long)options.TaskPollInterval.TotalMilliseconds,
        };
        bool stored;
        try
        {
            stored = await store.TryCreateAsync(record, context.Cancellation).ConfigureAwait(false);
        }
        catch
        {
            Release(quotaKey);
            running.NotCreated();
            throw;
        }

        if (!stored)
        {
            Release(quotaKey);
            running.NotCreated();
            return null;
        }

        _running[record.TaskId] = running;
        running.Created(server.Stopping);
        _ = RunAsync(running, mcp, run, tool.Name, quotaKey);
        return record;
    }

    private void Release(string quotaKey)
    {
        if (_runningPerOwner.AddOrUpdate(quotaKey, 0, static (_, n) => n - 1) <= 0)
        {
            _runningPerOwner.TryRemove(new KeyValuePair<string, int>(quotaKey, 0));
        }
    }

    private async Task RunAsync(RunningTask running, McpContext mcp, Task<CallToolResult> run, string toolName, string quotaKey)
    {
        try
        {
            await running.RunToEndAsync(run, toolName, server.Options.IncludeExceptionDetails).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(running.TaskId, out _);
            Release(quotaKey);
            mcp.EndTask();
            running.Dispose();
        }
    }

    /// <summary>
    /// The task a task request names, checked: the extension declared (-32021, T-03), <c>params.taskId</c> present
    /// (-32602), and a task of this caller that has not expired (-32602 otherwise, never telling whose it is, T-15,
    /// T-26).
    /// </summary>
    public async ValueTask<(McpTaskRecord Task, JsonDocument Params)> FindAsync(McpRequestContext context)
    {
        if (!Declares(context))
        {
            throw NotDeclared();
        }

        var document = Dispatch.RequestParams.Parse(context);
        try
        {
            var taskId = Dispatch.RequestParams.RequireString(document.RootElement, "taskId", "Invalid params: " + context.Message.MethodName + " needs params.taskId.");
            var task = await store.GetAsync(taskId, context.Cancellation).ConfigureAwait(false);
            if (task is null || !string.Equals(task.Owner, SessionOwner.GetPrincipalKey(context.User), StringComparison.Ordinal))
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: no task '{ClientText.Clip(taskId)}' (unknown, expired, or not yours).");
            }

            return (task, document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>A task's new state, as <c>notifications/tasks</c> to the listen streams that follow it (T-24).</summary>
    private void Announce(McpTaskRecord task)
    {
        // With a broadcast, a listener on another node may follow it.
        if (server.ListenerCount > 0 || server.Broadcast is not null)
        {
            server.AnnounceTaskChanged(task.TaskId, TaskJson.Detailed(task));
        }
    }

    /// <summary>
    /// The tasks of <paramref name="ids"/> a listen stream may follow (T-24): those of this caller that exist, at most
    /// 100. The request must declare the extension (-32021).
    /// </summary>
    public async ValueTask<string[]> AcceptFollowersAsync(McpRequestContext context, IReadOnlyList<string> ids)
    {
        if (!Declares(context))
        {
            throw NotDeclared();
        }

        var principal = SessionOwner.GetPrincipalKey(context.User);
        var accepted = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal).Take(100))
        {
            if (await store.GetAsync(id, context.Cancellation).ConfigureAwait(false) is { } task && string.Equals(task.Owner, principal, StringComparison.Ordinal))
            {
                accepted.Add(id);
            }
        }

        return [.. accepted];
    }

    /// <summary>The running tool of a task, when it runs on this node.</summary>
    public RunningTask? Running(string taskId) => _running.GetValueOrDefault(taskId);

    /// <summary>128 random bits, hex: unguessable (T-26).</summary>
    internal static string NewTaskId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

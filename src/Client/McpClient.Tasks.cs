using System.Text.Json;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Client;

// Tasks (the io.modelcontextprotocol/tasks extension, SEP-2663): a tools/call the server made a task is followed to
// its end, so that CallToolAsync returns the tool's result either way.
public sealed partial class McpClient
{
    /// <summary>The tasks extension's identifier.</summary>
    public const string TasksExtension = "io.modelcontextprotocol/tasks";

    private static readonly TimeSpan s_minTaskPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxTaskPoll = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Follows a task from its <c>CreateTaskResult</c>: <c>tasks/get</c> at the server's <c>pollIntervalMs</c> (clamped to
    /// 50 ms..10 s), the input it asks for answered through the same handlers as MRTR with <c>tasks/update</c> (each
    /// key once), <c>tasks/cancel</c> when the caller cancels. Returns the inlined result of a completed task; a failed
    /// one throws its JSON-RPC error, a cancelled one <see cref="McpClientException"/>.
    /// </summary>
    private async Task<JsonElement> FollowTaskAsync(JsonElement created, CancellationToken callerToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        if (_options.TaskTimeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        try
        {
            return await FollowTaskCoreAsync(created, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !callerToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The task did not end within {_options.TaskTimeout}; it was cancelled.");
        }
    }

    private async Task<JsonElement> FollowTaskCoreAsync(JsonElement created, CancellationToken cancellationToken)
    {
        if (!created.TryGetProperty("taskId", out var idElement) || idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 } taskId)
        {
            throw new McpClientException("A CreateTaskResult without a taskId.");
        }

        var taskIdJson = JsonSerializer.SerializeToElement(taskId, McpJsonContext.Default.String);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var inputRounds = 0;
        var ended = false;
        var task = created;
        ReportTask(taskId, task);
        try
        {
            while (true)
            {
                var status = task.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                switch (status)
                {
                    case "completed":
                        ended = true;
                        return task.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                            ? result.Clone()
                            : throw new McpClientException($"Task {taskId} completed without a result.");
                    case "failed":
                        ended = true;
                        if (task.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                            && error.TryGetProperty("code", out var code) && code.TryGetInt32(out var c))
                        {
                            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "The task failed.";
                            throw new McpClientException(c, message, error.TryGetProperty("data", out var data) ? data.Clone() : null);
                        }

                        throw new McpClientException($"Task {taskId} failed.");
                    case "cancelled":
                        ended = true;
                        throw new McpClientException($"Task {taskId} was cancelled.");
                    case "input_required" when task.TryGetProperty("inputRequests", out var requests) && requests.ValueKind == JsonValueKind.Object:
                        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                        foreach (var input in requests.EnumerateObject())
                        {
                            if (answered.Add(input.Name))
                            {
                                answers[input.Name] = await AnswerAsync(input.Value, cancellationToken).ConfigureAwait(false);
                            }
                        }

                        if (answers.Count > 0)
                        {
                            if (++inputRounds > _options.MaxInputRounds)
                            {
                                throw new McpClientException($"Task {taskId} asked for input more than {_options.MaxInputRounds} times.");
                            }

                            await RequestAsync("tasks/update", new Dictionary<string, JsonElement>
                            {
                                ["taskId"] = taskIdJson,
                                ["inputResponses"] = JsonSerializer.SerializeToElement(answers, McpJsonContext.Default.IDictionaryStringJsonElement),
                            }, taskId, null, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case "working" or "input_required":
                        break;
                    default:
                        throw new McpClientException($"Task {taskId} has an unknown status '{status}'.");
                }

                await Task.Delay(PollInterval(task), cancellationToken).ConfigureAwait(false);
                task = await RequestAsync("tasks/get", new Dictionary<string, JsonElement> { ["taskId"] = taskIdJson }, taskId, null, cancellationToken).ConfigureAwait(false);
                ReportTask(taskId, task);
            }
        }
        catch (Exception) when (!ended)
        {
            // The caller gave up, or following failed (a timeout, a broken connection, a handler that threw): the
            // server stops the task (T-22) rather than keep it waiting, best effort and bounded.
            try
            {
                await RequestAsync("tasks/cancel", new Dictionary<string, JsonElement> { ["taskId"] = taskIdJson }, taskId, null, CancellationToken.None, timeout: TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is McpClientException or HttpRequestException or OperationCanceledException or TimeoutException)
            {
                _options.Warning?.Invoke($"tasks/cancel for task {taskId} failed: {e.Message}");
            }

            throw;
        }
    }

    private TimeSpan PollInterval(JsonElement task)
    {
        var interval = task.TryGetProperty("pollIntervalMs", out var p) && p.TryGetInt64(out var ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : _options.TaskPollInterval;
        return interval < s_minTaskPoll ? s_minTaskPoll : interval > s_maxTaskPoll ? s_maxTaskPoll : interval;
    }

    private void ReportTask(string taskId, JsonElement task)
    {
        if (_options.TaskStatusHandler is { } handler)
        {
            var status = task.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "unknown";
            var message = task.TryGetProperty("statusMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            handler(new McpTaskStatus(taskId, status, message));
        }
    }
}

/// <summary>A task's status as the client last read it (the tasks extension): <c>working</c>, <c>input_required</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</summary>
public sealed record McpTaskStatus(string TaskId, string Status, string? StatusMessage);

using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Tasks;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Server.Features.Tasks;

/// <summary>
/// A task's tool while it runs on this node: its cancellation (<c>tasks/cancel</c>, T-22), the input it waits for
/// (<c>input_required</c>, answered by <c>tasks/update</c>, T-19, T-20), and the record it keeps up to date in the
/// <see cref="ITaskStore"/>. The outcome goes to the store once: completed with the tool's result (an <c>isError</c>
/// result too), failed with a JSON-RPC error, or cancelled (T-13, T-14, T-18).
/// </summary>
internal sealed partial class RunningTask(string taskId, ITaskStore store, ILogger logger, Action<McpTaskRecord>? changed = null) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskCompletionSource<bool> _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    // Input rounds and their answers change the record in order: one writer at a time.
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly SemaphoreSlim _order = new(1, 1);
    private readonly HashSet<string> _usedKeys = new(StringComparer.Ordinal);
    private CancellationTokenRegistration _request;
    private CancellationTokenRegistration _stopping;
    private Dictionary<string, InputRequest>? _outstanding;
    private Dictionary<string, JsonElement>? _answers;
    private TaskCompletionSource? _answered;

    public string TaskId => taskId;

    /// <summary>The tool's token: the request's until the task exists (linked), the task's own from then on.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Until the task is created, the request's cancellation stops the tool.</summary>
    public void LinkRequest(CancellationToken request) =>
        _request = request.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cancellation);

    /// <summary>
    /// The task exists: the request's end (its answer closes a 2026-07-28 stream) no longer stops the tool; the
    /// server's shutdown does.
    /// </summary>
    public void Created(CancellationToken stopping)
    {
        _request.Dispose();
        _stopping = stopping.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cancellation);
        _created.TrySetResult(true);
    }

    /// <summary>No task was made (the tool finished at once, or the store is full): the call goes on as a plain one.</summary>
    public void NotCreated() => _created.TrySetResult(false);

    /// <summary>Whether the call became a task.</summary>
    public bool IsStarted => _created.Task is { IsCompletedSuccessfully: true, Result: true };

    /// <summary>Whether the call became a task (waits for the decision, made when the tool first yields).</summary>
    public Task<bool> WhenDecided => _created.Task;

    /// <summary>
    /// Asks for <paramref name="requests"/> (keys unique for the task's life): the task becomes input_required with all
    /// of them, and the answers come back when every one has one (partial answers keep the rest outstanding).
    /// </summary>
    public async ValueTask<Dictionary<string, JsonElement>> RequestInputsAsync(Dictionary<string, InputRequest> requests)
    {
        TaskCompletionSource answered;
        lock (_lock)
        {
            if (_answered is not null)
            {
                throw new InvalidOperationException("A task asks for one set of inputs at a time.");
            }

            foreach (var key in requests.Keys)
            {
                // T-19: a key names one request for the task's whole life; a reused key could take a stale answer.
                if (!_usedKeys.Add(key))
                {
                    throw new InvalidOperationException($"The input key '{key}' was used before in this task; keys are unique for a task's life.");
                }
            }

            _outstanding = new Dictionary<string, InputRequest>(requests, StringComparer.Ordinal);
            _answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            _answered = answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var pending = Serialize(requests);
        await WriteAsync(t => t with { State = McpTaskState.InputRequired, InputRequests = pending }).ConfigureAwait(false);
        await answered.Task.WaitAsync(_cancellation.Token).ConfigureAwait(false);
        lock (_lock)
        {
            var answers = _answers!;
            _answers = null;
            _outstanding = null;
            _answered = null;
            return answers;
        }
    }

    /// <summary>
    /// The client's <c>inputResponses</c> (T-20): answers to outstanding keys are taken; unknown, answered or superseded
    /// keys are ignored. When nothing is outstanding any more the tool resumes and the task is working again.
    /// </summary>
    public async ValueTask AnswerAsync(JsonElement responses)
    {
        await _writes.WaitAsync().ConfigureAwait(false);
        try
        {
            await AnswerUnderLockAsync(responses).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    private async ValueTask AnswerUnderLockAsync(JsonElement responses)
    {
        TaskCompletionSource? resume = null;
        ReadOnlyMemory<byte> remaining = default;
        var changed = false;
        lock (_lock)
        {
            if (_outstanding is null || _answers is null)
            {
                return;
            }

            foreach (var response in responses.EnumerateObject())
            {
                if (_outstanding.ContainsKey(response.Name) && response.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new McpException(Protocol.JsonRpc.JsonRpcErrorCode.InvalidParams, $"Invalid params: inputResponses[\"{ClientText.Clip(response.Name)}\"] must be an ElicitResult, CreateMessageResult or ListRootsResult object.");
                }

                if (_outstanding.Remove(response.Name))
                {
                    _answers[response.Name] = response.Value.Clone();
                    changed = true;
                }
            }

            if (!changed)
            {
                return;
            }

            if (_outstanding.Count == 0)
            {
                resume = _answered;
            }
            else
            {
                remaining = Serialize(_outstanding);
            }
        }

        if (resume is not null)
        {
            await UpdateAsync(t => t.State == McpTaskState.InputRequired ? t with { State = McpTaskState.Working, InputRequests = default } : null).ConfigureAwait(false);
            resume.TrySetResult();
        }
        else
        {
            await UpdateAsync(t => t.State == McpTaskState.InputRequired ? t with { InputRequests = remaining } : null).ConfigureAwait(false);
        }
    }

    /// <summary>A task as cancelled (terminal from here on, T-18).</summary>
    internal static McpTaskRecord Cancelled(McpTaskRecord task) => task with { State = McpTaskState.Cancelled, InputRequests = default, StatusMessage = "Cancelled at the client's request." };

    /// <summary>Ends the task as cancelled now (terminal from here on, T-18) and tells the tool to stop.</summary>
    public async ValueTask CancelAsync()
    {
        await UpdateAsync(Cancelled).ConfigureAwait(false);

        // The source is never disposed (it has no timer): a cancel racing the task's end cannot fail.
        await _cancellation.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Sets the task's status message (shown by <c>tasks/get</c>).</summary>
    public async ValueTask SetStatusMessageAsync(string message)
    {
        await UpdateAsync(t => t with { StatusMessage = message }).ConfigureAwait(false);
    }

    /// <summary>Awaits the tool and records how it ended; never throws (nobody awaits it).</summary>
    public async Task RunToEndAsync(Task<CallToolResult> run, string toolName, bool includeExceptionDetails)
    {
        try
        {
            var result = await run.ConfigureAwait(false);
            await CompleteAsync(result).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            // tasks/cancel has marked it already; a shutdown has not (a terminal task ignores this).
            await RecordAsync(t => t with { State = McpTaskState.Cancelled, InputRequests = default, StatusMessage = "Cancelled: the server stopped." }).ConfigureAwait(false);
        }
        catch (McpException e)
        {
            var error = SerializeError(e);
            await RecordAsync(t => t with { State = McpTaskState.Failed, InputRequests = default, Error = error, StatusMessage = e.Message }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // As in a call without a task: an execution failure is a result with isError (T-14), its text in the log.
            LogTaskToolFailed(logger, toolName, e);
            var result = McpResults.Error(e is McpToolException || includeExceptionDetails
                ? $"Tool '{toolName}' failed: {e.Message}"
                : $"Tool '{toolName}' failed with an unexpected error.");
            await RecordAsync(t => t with { State = McpTaskState.Completed, InputRequests = default, Result = Serialize(result) }).ConfigureAwait(false);
        }
    }

    /// <summary>Records the outcome; a store that fails is logged, never thrown (nobody awaits the task).</summary>
    private async ValueTask RecordAsync(Func<McpTaskRecord, McpTaskRecord?> update)
    {
        try
        {
            await UpdateAsync(update).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogTaskStoreFailed(logger, taskId, e);
        }
    }

    private async ValueTask WriteAsync(Func<McpTaskRecord, McpTaskRecord?> update)
    {
        await _writes.WaitAsync().ConfigureAwait(false);
        try
        {
            await UpdateAsync(update).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Changes the task in the store, and announces its new state to the listen streams that follow it (T-24).</summary>
    private async ValueTask UpdateAsync(Func<McpTaskRecord, McpTaskRecord?> update)
    {
        // A change and its announcement go together, so that a listener sees a task's states in their order.
        await _order.WaitAsync().ConfigureAwait(false);
        try
        {
            await UpdateInOrderAsync(update).ConfigureAwait(false);
        }
        finally
        {
            _order.Release();
        }
    }

    private async ValueTask UpdateInOrderAsync(Func<McpTaskRecord, McpTaskRecord?> update)
    {
        var applied = false;
        var after = await store.UpdateAsync(taskId, t =>
        {
            var next = update(t);
            applied = next is not null;
            return next;
        }).ConfigureAwait(false);
        if (applied && after is not null)
        {
            changed?.Invoke(after);
        }
    }

    public void Dispose()
    {
        _request.Dispose();
        _stopping.Dispose();
    }

    private async ValueTask CompleteAsync(CallToolResult result)
    {
        var json = Serialize(result);
        await RecordAsync(t => t with { State = McpTaskState.Completed, InputRequests = default, Result = json }).ConfigureAwait(false);
    }

    private static byte[] Serialize(CallToolResult result)
    {
        result.ResultType ??= ResultTypes.Complete;
        return JsonSerializer.SerializeToUtf8Bytes(result, McpJsonContext.Default.CallToolResult);
    }

    private static byte[] Serialize(Dictionary<string, InputRequest> requests) =>
        JsonSerializer.SerializeToUtf8Bytes<IDictionary<string, InputRequest>>(requests, McpJsonContext.Default.IDictionaryStringInputRequest);

    private static byte[] SerializeError(McpException e)
    {
        using var buffer = new Mcp.Raw.Protocol.Buffers.PooledBufferWriter(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("code"u8, e.Code);
            json.WriteString("message"u8, e.Message);
            // -32021 carries what the client lacks, as it would without a task (M-MR-05).
            if ((e is McpMissingCapabilityException missing ? Dispatch.ErrorMapping.MissingCapabilityData(missing) : e.ErrorData) is { } data)
            {
                json.WritePropertyName("data"u8);
                data.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(EventId = 131, Level = LogLevel.Error, Message = "The task store failed to record the end of task {TaskId}.")]
    private static partial void LogTaskStoreFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Tool {Tool} failed in a task; the task completes with an isError result.")]
    private static partial void LogTaskToolFailed(ILogger logger, string tool, Exception exception);
}

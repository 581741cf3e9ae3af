using System.Text.Json;

namespace Mcp.Raw.Server;

/// <summary>A call that runs as a task (the tasks extension): its id, its status message, and how input goes through it.</summary>
public sealed partial class McpContext
{
    /// <summary>
    /// The task this call runs as (the tasks extension, SEP-2663), or null. A task's handler reports no progress and
    /// no log messages (T-24); its input requests make the task <c>input_required</c> until <c>tasks/update</c>
    /// answers them (T-19, T-20); <see cref="Cancellation"/> fires on <c>tasks/cancel</c> (T-22).
    /// </summary>
    public string? TaskId => _task is { IsStarted: true } task ? task.TaskId : null;

    /// <summary>Sets the task's <c>statusMessage</c> (shown by <c>tasks/get</c>); false when this call is not a task.</summary>
    public async ValueTask<bool> SetTaskStatusAsync(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_task is null || !await _task.WhenDecided.ConfigureAwait(false))
        {
            return false;
        }

        await _task.SetStatusMessageAsync(message).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The call may become a task (when the tool first yields): what the handler reads from the request later
    /// (arguments, user, capabilities) is taken out of the request now, before an answer can end it, and the handler's
    /// synchronous start is marked (<see cref="EndSynchronousStart"/>): input asked for there is an MRTR round (T-21).
    /// </summary>
    internal void BindTask(Features.Tasks.RunningTask task)
    {
        _syncThread = Environment.CurrentManagedThreadId;
        // Raw arguments are parsed into a document of our own (the getter's way); a DOM's element is cloned out of it.
        var parsed = _hasRawArguments;
        _ = Arguments;
        if (!parsed && _argumentsDocument is null && _arguments.ValueKind != JsonValueKind.Undefined)
        {
            _arguments = _arguments.Clone();
        }

        _hasRawArguments = false;
        _rawArguments = default;
        _ = Transport.User;
        _ = Transport.ClientCapabilities;
        try
        {
            _taskScope = (Transport.Services.GetService(typeof(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)) as Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)?.CreateScope();
        }
        catch (InvalidOperationException)
        {
            // No services (a transport without them): the handler gets none in a task either.
        }

        _task = task;
    }

    /// <summary>The handler has returned from its synchronous start.</summary>
    internal void EndSynchronousStart() => _syncThread = 0;

    /// <summary>The task has ended: its context goes.</summary>
    internal void EndTask() => DisposeArguments();

    private int _syncThread;

    /// <summary>Whether input asked for now goes through the task (the call became one), not an MRTR round.</summary>
    private async ValueTask<bool> InTaskAsync() =>
        _task is not null && _syncThread != Environment.CurrentManagedThreadId && await _task.WhenDecided.ConfigureAwait(false);
}

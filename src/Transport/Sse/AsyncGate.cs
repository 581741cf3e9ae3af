namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// A one-holder async gate for a response stream: entering when free is a lock and a flag (no allocation, no task);
/// waiters queue in order and the holder hands the gate to the next one on exit. Cheaper than
/// <see cref="SemaphoreSlim"/> on the uncontended path every request takes.
/// </summary>
internal sealed class AsyncGate
{
    private readonly Lock _lock = new();
    private bool _held;
    private Queue<TaskCompletionSource>? _waiters;

    /// <summary>Enters, waiting in line when another holder has the gate.</summary>
    public ValueTask EnterAsync()
    {
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return ValueTask.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_waiters ??= new Queue<TaskCompletionSource>()).Enqueue(waiter);
            return new ValueTask(waiter.Task);
        }
    }

    /// <summary>Enters only if the gate is free.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_held)
            {
                return false;
            }

            _held = true;
            return true;
        }
    }

    /// <summary>Leaves; the next waiter, if any, becomes the holder.</summary>
    public void Exit()
    {
        TaskCompletionSource? next = null;
        lock (_lock)
        {
            if (_waiters is { Count: > 0 })
            {
                next = _waiters.Dequeue();
            }
            else
            {
                _held = false;
            }
        }

        next?.TrySetResult();
    }
}

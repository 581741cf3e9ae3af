namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// A one-holder async gate for a response stream. Entering when free and leaving with no one waiting are one
/// interlocked operation each (no lock, no allocation, no task); waiters queue in order under a monitor on the gate
/// itself and the holder hands the gate to the next one on exit.
/// </summary>
/// <remarks>
/// A party that finds the gate held can leave work to the holder instead of waiting (<see cref="TryEnterOrDefer"/>):
/// <see cref="Exit"/> then keeps the gate and returns true, and the holder does the work before it exits again. The
/// stream's flush uses it so that it never waits for, nor races with, the producer writing.
/// </remarks>
internal sealed class AsyncGate
{
    private const int Held = 1;
    private const int Deferred = 2;
    private const int Waiting = 4;

    private int _state;

    // Guarded by a monitor on this gate (taken only when someone has to wait).
    private Queue<Waiter>? _waiters;

    // One waiter kept for reuse: the common contention is the producer waiting once for a flush, again and again.
    private Waiter? _spare;

    /// <summary>Enters, waiting in line when another holder has the gate.</summary>
    public ValueTask EnterAsync() => Interlocked.CompareExchange(ref _state, Held, 0) == 0 ? default : EnterSlow();

    /// <summary>Enters only if the gate is free.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _state, Held, 0) == 0;

    /// <summary>
    /// Enters if the gate is free (true); otherwise asks the holder to do the deferred work on its way out (false).
    /// </summary>
    public bool TryEnterOrDefer()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var next = (state & Held) == 0 ? state | Held : state | Deferred;
            if (Interlocked.CompareExchange(ref _state, next, state) == state)
            {
                return (state & Held) == 0;
            }
        }
    }

    /// <summary>
    /// Leaves; the next waiter, if any, becomes the holder. Returns true, and keeps the gate, when work was deferred
    /// to the holder: do it, then call <see cref="Exit"/> again.
    /// </summary>
    public bool Exit()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & Deferred) != 0)
            {
                if (Interlocked.CompareExchange(ref _state, state & ~Deferred, state) == state)
                {
                    return true;
                }

                continue;
            }

            if (state == Held)
            {
                if (Interlocked.CompareExchange(ref _state, 0, Held) == Held)
                {
                    return false;
                }

                continue;
            }

            if (TryHandOver())
            {
                return false;
            }
        }
    }

    private ValueTask EnterSlow()
    {
        lock (this)
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if ((state & Held) == 0)
                {
                    // Free: no one can be waiting (the holder hands over without freeing the gate).
                    if (Interlocked.CompareExchange(ref _state, state | Held, state) == state)
                    {
                        return default;
                    }

                    continue;
                }

                if (Interlocked.CompareExchange(ref _state, state | Waiting, state) == state)
                {
                    break;
                }
            }

            var waiter = _spare ?? new Waiter(this);
            _spare = null;
            (_waiters ??= new Queue<Waiter>()).Enqueue(waiter);
            return new ValueTask(waiter, waiter.Version);
        }
    }

    /// <summary>Hands the gate to the first waiter; false when deferred work arrived meanwhile (the holder does it first).</summary>
    private bool TryHandOver()
    {
        Waiter next;
        lock (this)
        {
            if ((Volatile.Read(ref _state) & Deferred) != 0)
            {
                return false;
            }

            next = _waiters!.Dequeue();
            if (_waiters.Count == 0)
            {
                Interlocked.And(ref _state, ~Waiting);
            }
        }

        // The gate stays held: it passes to the waiter.
        next.Release();
        return true;
    }

    /// <summary>
    /// A reusable wait: an <see cref="System.Threading.Tasks.Sources.IValueTaskSource"/> that goes back to its gate once its awaiter has its result,
    /// so a contended enter allocates nothing after the first. Continuations run asynchronously, never inside
    /// <see cref="Exit"/>.
    /// </summary>
    private sealed class Waiter(AsyncGate gate) : System.Threading.Tasks.Sources.IValueTaskSource
    {
        private System.Threading.Tasks.Sources.ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

        public short Version => _core.Version;

        public void Release() => _core.SetResult(true);

        public void GetResult(short token)
        {
            _core.GetResult(token);
            _core.Reset();
            lock (gate)
            {
                gate._spare ??= this;
            }
        }

        public System.Threading.Tasks.Sources.ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, System.Threading.Tasks.Sources.ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}

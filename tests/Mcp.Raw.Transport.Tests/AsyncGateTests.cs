using Mcp.Raw.Transport.Sse;

namespace Mcp.Raw.Transport.Tests;

/// <summary>The stream gate: one holder at a time, waiters served in order (one writer per response, TR-36).</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class AsyncGateTests
{
    [Test]
    public async Task Concurrent_EnterExit_IsMutuallyExclusive()
    {
        var gate = new AsyncGate();
        var inside = 0;
        var total = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                await gate.EnterAsync();
                try
                {
                    Interlocked.Increment(ref inside).Should().Be(1);
                    if (i % 50 == 0)
                    {
                        await Task.Yield();
                    }

                    total++;
                    Interlocked.Decrement(ref inside);
                }
                finally
                {
                    gate.Exit();
                }
            }
        })));
        total.Should().Be(16_000);
    }

    [Test]
    public async Task Waiters_AreServedInOrder_AndTryEnterFailsWhileHeld()
    {
        var gate = new AsyncGate();
        await gate.EnterAsync();
        gate.TryEnter().Should().BeFalse();
        var order = new List<int>();
        var waiters = Enumerable.Range(0, 5).Select(i => gate.EnterAsync().AsTask().ContinueWith(_ =>
        {
            lock (order)
            {
                order.Add(i);
            }

            gate.Exit();
        }, TaskScheduler.Default)).ToArray();
        waiters.Should().OnlyContain(t => !t.IsCompleted);
        gate.Exit();
        await Task.WhenAll(waiters);
        order.Should().Equal(0, 1, 2, 3, 4);
        gate.TryEnter().Should().BeTrue();
        gate.Exit();
    }

    [Test]
    public async Task Defer_WhileHeld_IsDoneByTheHolderOnExit_ThenTheNextWaiterEnters()
    {
        var gate = new AsyncGate();
        gate.TryEnterOrDefer().Should().BeTrue("a free gate is entered");
        var waiter = gate.EnterAsync().AsTask();
        gate.TryEnterOrDefer().Should().BeFalse("the gate is held: the work is left to the holder");
        gate.Exit().Should().BeTrue("the holder keeps the gate to do the deferred work");
        waiter.IsCompleted.Should().BeFalse("the deferred work comes before the next waiter");
        gate.Exit().Should().BeFalse();
        await waiter;
        gate.TryEnter().Should().BeFalse("the waiter holds the gate now");
        gate.Exit().Should().BeFalse();
        gate.TryEnter().Should().BeTrue("the gate is free again");
        gate.Exit().Should().BeFalse();
    }

    [Test]
    public async Task Defer_UnderContention_IsNeverLost()
    {
        // Whoever defers sets 'pending' first; the work (clearing it) runs under the gate, either by a deferrer that
        // found the gate free or by the holder that Exit told to. When everyone is done, nothing may be left pending.
        var gate = new AsyncGate();
        var pending = 0;
        var inside = 0;

        void Work()
        {
            Interlocked.Increment(ref inside).Should().Be(1);
            Volatile.Write(ref pending, 0);
            Interlocked.Decrement(ref inside);
        }

        void Leave()
        {
            while (gate.Exit())
            {
                Work();
            }
        }

        var holders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                await gate.EnterAsync();
                Interlocked.Increment(ref inside).Should().Be(1);
                Interlocked.Decrement(ref inside);
                Leave();
            }
        }));
        var deferrers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                Volatile.Write(ref pending, 1);
                if (gate.TryEnterOrDefer())
                {
                    Work();
                    Leave();
                }
            }
        }));
        await Task.WhenAll(holders.Concat(deferrers));
        Volatile.Read(ref pending).Should().Be(0, "a deferred piece of work was lost");
        gate.TryEnter().Should().BeTrue();
    }
}

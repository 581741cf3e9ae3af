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
}

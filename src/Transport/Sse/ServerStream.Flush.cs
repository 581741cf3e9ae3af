using System.Buffers;
using System.Text;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Sse;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mcp.Raw.Transport.Sse;

// Flushing: a flush is requested when a producer yields and runs as this stream (a thread-pool work item), never
// waiting for the gate; the holder of the gate flushes what was deferred to it on exit. The pending bytes go into
// Kestrel's PipeWriter in one write per flush.
internal sealed partial class ServerStream
{
    /// <summary>
    /// After an event: flush inline when much is pending (back-pressure), otherwise ask for one flush when the producer
    /// yields: a work item queued to this thread's local queue runs once the producer's synchronous run gives the
    /// thread back, so events written back to back leave in one write, while a lone event leaves as soon as the
    /// producer awaits something. Called under the gate; allocates nothing (the stream is the work item).
    /// </summary>
    private ValueTask AfterEventAsync()
    {
        EnterAppend();
        var over = Pending.WrittenCount >= InlineFlushThreshold;
        if (!over)
        {
            RequestFlush();
        }

        ExitAppend();
        return over ? FlushAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Under the append lock: queues the one flush for when the producer yields, unless one is queued.</summary>
    private void RequestFlush()
    {
        if (!_flushScheduled)
        {
            _flushScheduled = true;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    /// <summary>The requested flush. It never waits for the gate: when the gate is held, its holder flushes on exit.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        if (_gate.TryEnterOrDefer())
        {
            _ = FlushAndExitGateAsync();
        }
    }

    /// <summary>Leaves the gate, first doing a flush that was deferred to this holder.</summary>
    private ValueTask ExitGateAsync() => _gate.Exit() ? new ValueTask(FlushAndExitGateAsync()) : ValueTask.CompletedTask;

    /// <summary>Under the gate: flushes what was requested, then leaves (again, if more was deferred meanwhile). Never throws.</summary>
    private async Task FlushAndExitGateAsync()
    {
        do
        {
            try
            {
                // The request is cleared where the pending bytes are taken (FlushAsync), in the same locked step, so
                // an event appended after that asks for a flush of its own and is never stranded.
                EnterAppend();
                var flush = _flushScheduled && _mode == Mode.Sse;
                if (!flush)
                {
                    _flushScheduled = false;
                }

                ExitAppend();
                if (flush)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // FlushAsync turns the expected failures into client-gone; anything else must still not keep the gate
                // held, or every later writer of this stream would wait for ever.
            }
        }
        while (_gate.Exit());
    }

    private async ValueTask WriteBodyAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _http.Response.BodyWriter.WriteAsync(bytes).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            OnClientGone();
        }
    }

    private async ValueTask FlushAsync()
    {
        Volatile.Write(ref _lastWrite, Environment.TickCount64);
        try
        {
            EnterAppend();
            try
            {
                _flushScheduled = false;
                WritePending();
            }
            finally
            {
                ExitAppend();
            }

            var result = await _http.Response.BodyWriter.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted)
            {
                // The client is gone. Not an error: resumable streams go on in the store.
                OnClientGone();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            OnClientGone();
        }
    }

    /// <summary>Under the append lock: hands the pending SSE bytes to Kestrel in one write.</summary>
    private void WritePending()
    {
        if (_buffers is { Pending.WrittenCount: > 0 } buffers)
        {
            _http.Response.BodyWriter.Write(buffers.Pending.WrittenSpan);
            buffers.Pending.Clear();
        }
    }

    private async ValueTask EndHttpResponseAsync()
    {
        try
        {
            EnterAppend();
            try
            {
                WritePending();
            }
            finally
            {
                ExitAppend();
            }

            await _http.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            OnClientGone();
        }
    }
}

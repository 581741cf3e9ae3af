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

// The append: one event formatted into the pending bytes under the short append lock, first into the event store
// with its id when the stream is resumable (TR-38, TR-40).
internal sealed partial class ServerStream
{
    /// <summary>Under the gate: writes one event (to the store first when resumable), then flushes or asks for a flush.</summary>
    private async ValueTask WriteEventAsync<TState>(McpMessageWriter<TState> write, TState state)
    {
        if (!_resumable || _syncStore is not null)
        {
            EnterAppend();
            try
            {
                WriteEventLocked(write, state);
            }
            finally
            {
                ExitAppend();
            }
        }
        else
        {
            // A store that may wait: the JSON is made under the lock, appended outside it (only gate holders write to
            // such a stream, so the scratch buffer stays this writer's), and framed under it.
            EnterAppend();
            try
            {
                Scratch.Clear();
                write(Writer, Scratch, state);
            }
            finally
            {
                ExitAppend();
            }

            var sequence = await _store!.AppendAsync(_key, Scratch.WrittenMemory).ConfigureAwait(false);
            EnterAppend();
            try
            {
                if (_mode == Mode.Sse)
                {
                    StoredEventFrame.Write(Pending, new StreamEventId(_key, sequence), Scratch.WrittenSpan, _eventType);
                }
            }
            finally
            {
                ExitAppend();
            }
        }

        if (_mode == Mode.Sse)
        {
            await AfterEventAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Under the append lock: one event, formatted straight into the pending bytes; when resumable (with a store that
    /// never waits) it goes to the store first, so that nothing is lost if the connection is already gone.
    /// </summary>
    private void WriteEventLocked<TState>(McpMessageWriter<TState> write, TState state)
    {
        if (!_resumable)
        {
            if (_mode == Mode.Sse)
            {
                var pending = Pending;
                SseFrameWriter.BeginDataEvent(pending, default, _eventType);
                write(Writer, pending, state);
                SseFrameWriter.EndDataEvent(pending);
            }

            return;
        }

        var scratch = Scratch;
        scratch.Clear();
        write(Writer, scratch, state);
        var sequence = _syncStore!.Append(_key, scratch.WrittenSpan);
        if (_mode == Mode.Sse)
        {
            StoredEventFrame.Write(Pending, new StreamEventId(_key, sequence), scratch.WrittenSpan, _eventType);
        }
    }

    private void EnterAppend()
    {
        if (Interlocked.CompareExchange(ref _appending, 1, 0) != 0)
        {
            SpinToEnterAppend();
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void SpinToEnterAppend()
    {
        // Held for a few hundred nanoseconds at most; SpinWait yields the thread when the holder is not running.
        var spin = default(SpinWait);
        do
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Interlocked.CompareExchange(ref _appending, 1, 0) != 0);
    }

    private void ExitAppend() => Volatile.Write(ref _appending, 0);
}

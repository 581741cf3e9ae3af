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

// Keep-alive: an SSE comment when the stream was idle for the interval (TR-34, M-TR-17), ticked by
// KeepAliveScheduler, never waiting for the gate.
internal sealed partial class ServerStream
{
    /// <summary>
    /// When set, an SSE response that stays silent for the scheduler's interval gets a <c>:</c> comment (TR-34,
    /// M-TR-17): long-lived streams such as <c>subscriptions/listen</c> survive idle proxies. The stream registers only
    /// when the response becomes SSE, so JSON answers pay nothing for it.
    /// </summary>
    public KeepAliveScheduler? KeepAlive
    {
        get => _keepAlive;
        set => _keepAlive = value;
    }

    /// <summary>Writes a keep-alive comment if the stream is open (TR-34, M-TR-17).</summary>
    public async ValueTask KeepAliveAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (_mode == Mode.Sse)
            {
                WriteKeepAliveComment();
                await FlushAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Called by <see cref="KeepAliveScheduler"/>: a comment when idle for the interval; never waits for the gate.</summary>
    internal void KeepAliveTick(long now)
    {
        if (_mode != Mode.Sse || now - Volatile.Read(ref _lastWrite) < _keepAlive!.IntervalMs || !_gate.TryEnter())
        {
            return;
        }

        _ = KeepAliveUnderGateAsync();
    }

    private async Task KeepAliveUnderGateAsync()
    {
        try
        {
            if (_mode == Mode.Sse)
            {
                WriteKeepAliveComment();
                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // A failed write means the client is gone; FlushAsync recorded that where it could.
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    private void WriteKeepAliveComment()
    {
        EnterAppend();
        try
        {
            SseFrameWriter.WriteComment(Pending, "keep-alive"u8);
        }
        finally
        {
            ExitAppend();
        }
    }
}

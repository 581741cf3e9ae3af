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

// The end seen from outside: the client gone (a write failed), a GET stream aborted when its session ends, and the
// Ended signal the GET handler waits on.
internal sealed partial class ServerStream
{
    /// <summary>Runs when the client is gone (a write failed). Modern requests are cancelled by it (M-TR-20).</summary>
    public Action? ClientGone { get; set; }

    /// <summary>Completes when the stream ends (for GET streams, which are ended from outside).</summary>
    public Task Ended
    {
        get
        {
            // Created on demand: only GET streams wait on it.
            var tcs = Volatile.Read(ref _ended);
            if (tcs is null)
            {
                tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                tcs = Interlocked.CompareExchange(ref _ended, tcs, null) ?? tcs;
            }

            if (Volatile.Read(ref _isEnded) != 0)
            {
                tcs.TrySetResult();
            }

            return tcs.Task;
        }
    }

    private void SignalEnded()
    {
        Volatile.Write(ref _isEnded, 1);
        Volatile.Read(ref _ended)?.TrySetResult();
    }

    /// <summary>Whether the client of this stream is known to be gone.</summary>
    public bool IsClientGone => _mode == Mode.Detached || _http.RequestAborted.IsCancellationRequested;

    /// <summary>Ends a GET stream from outside (session ended); the GET handler then returns.</summary>
    public void Abort() => SignalEnded();

    private void OnClientGone()
    {
        if (_mode == Mode.Sse || _mode == Mode.Pending)
        {
            SetMode(Mode.Detached);
            if (!_resumable)
            {
                // Nothing can resume this stream: end the request, so its Cancellation fires and the work stops
                // (M-TR-20). Safe here: the mode was live, so the request has not ended.
                _http.Abort();
            }
        }

        ClientGone?.Invoke();
    }
}

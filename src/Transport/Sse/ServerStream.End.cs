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

// The answer and the end: the final response (JSON, or the last SSE event), an end without one (cancelled), the
// 2025-11-25 disconnect for polling, and disposal.
internal sealed partial class ServerStream
{
    /// <summary>
    /// Writes the final response. As JSON when nothing was streamed yet (status chosen before the first byte:
    /// <paramref name="httpStatus"/>), otherwise as the last SSE event; then the HTTP response ends (TR-19).
    /// </summary>
    public async ValueTask RespondAsync<TState>(McpMessageWriter<TState> write, TState state, int httpStatus)
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (HasResponded || _mode == Mode.Completed)
            {
                return;
            }

            EnterAppend();
            HasResponded = true;
            ExitAppend();
            if (_mode == Mode.Pending && (_accepts & ContentNegotiation.Accepts.Json) == 0)
            {
                // The client accepts only SSE: answer as a stream of one event.
                await StartSseAsync().ConfigureAwait(false);
            }

            if (_mode == Mode.Pending)
            {
                Scratch.Clear();
                write(Writer, Scratch, state);
                var response = _http.Response;
                response.StatusCode = httpStatus;
                response.ContentType = "application/json";
                response.ContentLength = Scratch.WrittenCount;
                if (SessionIdHeader is not null)
                {
                    response.Headers[McpHeaders.SessionId] = SessionIdHeader;
                }

                await WriteBodyAsync(Scratch.WrittenMemory).ConfigureAwait(false);
                SetMode(Mode.Completed);
            }
            else
            {
                await WriteEventAsync(write, state).ConfigureAwait(false);
                await EndHttpResponseAsync().ConfigureAwait(false);
                if (_resumable)
                {
                    // Still attached after the response ended: the client has every event, and the store may let the
                    // stream go sooner than one the client must resume.
                    if (_mode == Mode.Sse)
                    {
                        await _store!.CompleteDeliveredAsync(_key).ConfigureAwait(false);
                    }
                    else
                    {
                        await _store!.CompleteAsync(_key).ConfigureAwait(false);
                    }
                }

                SetMode(Mode.Completed);
            }
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
            SignalEnded();
        }
    }

    /// <summary>
    /// Ends the HTTP response but not the logical stream (2025-11-25 polling, TR-21): later events go to the event
    /// store and the client resumes with GET and <c>Last-Event-ID</c>. Only for resumable streams.
    /// </summary>
    public async ValueTask<bool> DisconnectForPollingAsync()
    {
        if (!_resumable)
        {
            return false;
        }

        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            if (_mode == Mode.Pending)
            {
                await StartSseAsync().ConfigureAwait(false);
            }

            if (_mode != Mode.Sse)
            {
                return _mode == Mode.Detached;
            }

            // The priming event already carried an id and retry, so the client knows where and when to resume (TR-22).
            await EndHttpResponseAsync().ConfigureAwait(false);
            SetMode(Mode.Detached);
            return true;
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the stream without a response (a cancelled request, UT-09, or a GET stream whose session ended).
    /// </summary>
    public async ValueTask EndWithoutResponseAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            switch (_mode)
            {
                case Mode.Pending:
                    if (!_http.RequestAborted.IsCancellationRequested && !_http.Response.HasStarted)
                    {
                        // Nothing was sent: an empty stream when SSE is acceptable, else 204.
                        if ((_accepts & ContentNegotiation.Accepts.EventStream) != 0)
                        {
                            await StartSseAsync(flush: true).ConfigureAwait(false);
                        }
                        else
                        {
                            _http.Response.StatusCode = StatusCodes.Status204NoContent;
                        }
                    }

                    break;
                case Mode.Sse:
                    await EndHttpResponseAsync().ConfigureAwait(false);
                    break;
            }

            if (_resumable)
            {
                await _store!.CompleteAsync(_key).ConfigureAwait(false);
            }

            SetMode(Mode.Completed);
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
            SignalEnded();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            SetMode(Mode.Completed);
        }
        finally
        {
            await ExitGateAsync().ConfigureAwait(false);
        }

        if (_keepAliveRegistered)
        {
            // After _mode = Completed (under the gate): a tick that still sees this stream does nothing.
            _keepAlive!.Unregister(this);
        }

        // Under the append lock: a producer that looked before the stream completed sees it completed now.
        EnterAppend();
        try
        {
            if (_buffers is not null)
            {
                StreamBuffers.Return(_buffers);
                _buffers = null;
            }
        }
        finally
        {
            ExitAppend();
        }
    }
}

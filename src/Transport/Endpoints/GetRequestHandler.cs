using System.Buffers;
using System.Text;

using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Protocol.Sse;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Mcp.Raw.Transport.Sessions;
using Mcp.Raw.Transport.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>
/// GET on the MCP endpoint: the session's standalone stream (TR-27..TR-34), or with <c>Last-Event-ID</c> the resumption
/// of a stream of that session (TR-40..TR-44): exactly the missed events of that one stream, in order, then the rest live.
/// </summary>
internal sealed partial class GetRequestHandler(ISessionStore sessions, IEventStore events, RequestGuard guard, IOptions<StreamableHttpOptions> options, KeepAliveScheduler keepAlive, ILogger<GetRequestHandler> logger)
{
    private readonly StreamableHttpOptions _options = options.Value;

    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            await HandleCoreAsync(http).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            await ErrorResponses.WriteStoreUnavailableAsync(http).ConfigureAwait(false);
        }
    }

    private async Task HandleCoreAsync(HttpContext http)
    {
        if (guard.Check(http) is { } refused)
        {
            await ErrorResponses.WriteAsync(http, refused).ConfigureAwait(false);
            return;
        }

        var header = http.Request.Headers[McpHeaders.ProtocolVersion].ToString().AsSpan().Trim();
        if (_options.Stateless || EraClassifier.ClaimsModern(header))
        {
            // No standalone stream without sessions, and none in 2026-07-28 (TR-29, M-TR-23, M-TR-24).
            await ErrorResponses.WriteAsync(http, RejectionReason.MethodNotAllowed, allow: "POST").ConfigureAwait(false);
            return;
        }

        if ((ContentNegotiation.ParseAccept(http.Request.Headers.Accept) & ContentNegotiation.Accepts.EventStream) == 0)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.EventStreamNotAccepted).ConfigureAwait(false);
            return;
        }

        if (await SessionLookup.FindAsync(http, sessions).ConfigureAwait(false) is not { } session)
        {
            return;
        }

        var lastEventId = http.Request.Headers[McpHeaders.LastEventId].ToString();
        if (lastEventId.Length > 0)
        {
            await ResumeAsync(http, session, lastEventId).ConfigureAwait(false);
        }
        else
        {
            await StandaloneAsync(http, session).ConfigureAwait(false);
        }
    }

    private async Task StandaloneAsync(HttpContext http, McpSession session)
    {
        var key = new StreamKey(session.Tag, McpSession.StandaloneStreamId);
        if (await events.TailAsync(key, http.RequestAborted).ConfigureAwait(false) is { } tail)
        {
            await StandaloneFromLogAsync(http, session, key, tail).ConfigureAwait(false);
            return;
        }

        var stream = new ServerStream(http, ContentNegotiation.Accepts.EventStream, events,
            key, session.ProtocolVersion.Supports(McpFeatures.PrimingEvents), (int)_options.RetryInterval.TotalMilliseconds);
        stream.KeepAlive = keepAlive;
        lock (session.StandaloneLock)
        {
            // One standalone stream per session; a stale one (its client gone) is replaced rather than blocking
            // every reconnect with 409 (TR-33, edge case 1).
            if (session.Standalone is { IsClientGone: false })
            {
                stream = null;
            }
            else
            {
                session.Standalone = stream;
            }
        }

        if (stream is null)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.StreamConflict).ConfigureAwait(false);
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            try
            {
                await stream.StartAsync().ConfigureAwait(false);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session.Ended);
                await KeepAliveUntilEndAsync(stream, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                lock (session.StandaloneLock)
                {
                    if (ReferenceEquals(session.Standalone, stream))
                    {
                        session.Standalone = null;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Holds the stream open until it ends, the client goes or the session ends; its keep-alive comments come from the
    /// one shared timer (<see cref="KeepAliveScheduler"/>), not a timer
    /// per stream.
    /// </summary>
    private static async Task KeepAliveUntilEndAsync(ServerStream stream, CancellationToken stop)
    {
        try
        {
            await stream.Ended.WaitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went or the session ended.
        }
    }

    private async Task ResumeAsync(HttpContext http, McpSession session, string lastEventId)
    {
        // An id of another session is treated as unknown: never replayed (TR-42, TR-43a, SEC-12).
        if (!StreamEventId.TryParse(lastEventId, out var parsed) || parsed.Value.Stream.SessionTag != session.Tag)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.UnknownLastEventId).ConfigureAwait(false);
            return;
        }

        var id = parsed.Value;
        IEventStreamReader? reader;
        try
        {
            reader = await events.OpenAsync(id.Stream, id.Sequence, http.RequestAborted).ConfigureAwait(false);
        }
        catch (EventsLostException)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.EventsNoLongerAvailable).ConfigureAwait(false);
            return;
        }

        if (reader is null)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.UnknownLastEventId).ConfigureAwait(false);
            return;
        }

        LogResumed(logger, id.Stream.StreamId, id.Sequence);
        try
        {
            BeginEventStream(http);
            if (session.ProtocolVersion.Supports(McpFeatures.PrimingEvents))
            {
                SseFrameWriter.WriteRetry(http.Response.BodyWriter, (int)_options.RetryInterval.TotalMilliseconds);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session.Ended);
            await RelayAsync(http, reader, id.Stream.StreamId, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            // A store's reader may hold a subscription (a distributed store's push channel).
            if (reader is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The standalone stream of a store shared by several processes: relayed from the log, into which every node
    /// appends the session's unsolicited messages (this one too, through <see cref="LogStandalone"/>), so that what a
    /// handler on another node sends reaches this client.
    /// </summary>
    private async Task StandaloneFromLogAsync(HttpContext http, McpSession session, StreamKey key, EventStreamTail tail)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session.Ended);
        var standalone = new LogStandalone(stop, http.RequestAborted);
        try
        {
            lock (session.StandaloneLock)
            {
                if (session.Standalone is { IsClientGone: false })
                {
                    standalone = null;
                }
                else
                {
                    session.Standalone = standalone;
                }
            }

            if (standalone is null)
            {
                await ErrorResponses.WriteAsync(http, RejectionReason.StreamConflict).ConfigureAwait(false);
                return;
            }

            BeginEventStream(http);
            if (session.ProtocolVersion.Supports(McpFeatures.PrimingEvents))
            {
                // The priming event names where the client is, so it can resume from there (TR-15).
                SseFrameWriter.WriteRetry(http.Response.BodyWriter, (int)_options.RetryInterval.TotalMilliseconds);
                StoredEventFrame.Write(http.Response.BodyWriter, new StreamEventId(key, tail.Sequence), default);
            }

            await RelayAsync(http, tail.Reader, key.StreamId, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (session.StandaloneLock)
            {
                if (standalone is not null && ReferenceEquals(session.Standalone, standalone))
                {
                    session.Standalone = null;
                }
            }

            if (tail.Reader is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void BeginEventStream(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.ContentEncoding = "identity";
        response.Headers[McpHeaders.AccelBuffering] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>
    /// Writes what the reader has, then each event as it comes, until the stream completes, the client goes or
    /// <paramref name="stop"/> fires; a keep-alive comment after each silent interval.
    /// </summary>
    private async Task RelayAsync(HttpContext http, IEventStreamReader reader, long streamId, CancellationToken stop)
    {
        var body = http.Response.BodyWriter;
        try
        {
            await body.FlushAsync(stop).ConfigureAwait(false);
            while (true)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(stop);
                keepAlive.CancelAfter(_options.KeepAliveInterval);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(keepAlive.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    SseFrameWriter.WriteComment(body, "keep-alive"u8);
                    if ((await body.FlushAsync(stop).ConfigureAwait(false)).IsCompleted)
                    {
                        return;
                    }

                    continue;
                }

                if (!more)
                {
                    // The stream finished (its response was delivered): end after the remaining events (TR-44).
                    return;
                }

                while (reader.TryWriteNext(body))
                {
                }

                if ((await body.FlushAsync(stop).ConfigureAwait(false)).IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left again, or the session ended; it may resume once more.
        }
        catch (EventsLostException)
        {
            // The reader fell behind the retention bound: end the stream so the client sees it rather than a gap.
            LogReplayOverrun(logger, streamId);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Stream {StreamId} resumed after event {Sequence}.")]
    private static partial void LogResumed(ILogger logger, long streamId, long sequence);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Stream {StreamId}: the resumed reader fell behind the retained events; the stream was ended.")]
    private static partial void LogReplayOverrun(ILogger logger, long streamId);
}

using System.Buffers;
using System.Text;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Protocol.Sse;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Mcp.Raw.Transport.Sessions;
using Mcp.Raw.Transport.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>
/// The deprecated 2024-11-05 HTTP+SSE transport, served beside Streamable HTTP for old clients (TR-67..TR-72):
/// GET on the SSE path opens a stream whose first event is <c>endpoint</c> naming the POST URL (with a per-connection
/// session key); POSTs there get 202 and their answers flow on the stream as <c>message</c> events.
/// </summary>
internal sealed partial class HttpSse2024Handler(
    MessageDispatcher dispatcher, ISessionStore sessions, RequestGuard guard, IOptions<StreamableHttpOptions> options, KeepAliveScheduler keepAlive, IServiceProvider rootServices, ILogger<HttpSse2024Handler> logger)
{
    private readonly StreamableHttpOptions _options = options.Value;
    private readonly KeepAliveScheduler _keepAlive = keepAlive;

    /// <summary>
    /// Opens an HTTP+SSE connection. The <c>endpoint</c> event names the request's own path with
    /// <paramref name="sseSuffix"/> replaced by <paramref name="messagesSuffix"/>, so every mapping announces its own
    /// message path (and route parameters stay as the client sent them).
    /// </summary>
    public async Task HandleGetAsync(HttpContext http, string sseSuffix, string messagesSuffix)
    {
        try
        {
            await HandleGetCoreAsync(http, sseSuffix, messagesSuffix).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            await ErrorResponses.WriteStoreUnavailableAsync(http).ConfigureAwait(false);
        }
    }

    private async Task HandleGetCoreAsync(HttpContext http, string sseSuffix, string messagesSuffix)
    {
        if (guard.Check(http) is { } refused)
        {
            await ErrorResponses.WriteAsync(http, refused).ConfigureAwait(false);
            return;
        }

        if ((ContentNegotiation.ParseAccept(http.Request.Headers.Accept) & ContentNegotiation.Accepts.EventStream) == 0)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.EventStreamNotAccepted).ConfigureAwait(false);
            return;
        }

        var created = await sessions.CreateAsync(McpProtocolVersion.V2024_11_05, httpSse2024: true, SessionOwnership.From(http), http.RequestAborted).ConfigureAwait(false);
        if (created.Session is not { } session)
        {
            await ErrorResponses.WriteAsync(http, created.Refusal).ConfigureAwait(false);
            return;
        }

        var stream = new ServerStream(http, ContentNegotiation.Accepts.EventStream, store: null, key: default, priming: false, retryMilliseconds: 0, SseEventType.Message)
        {
            // Comments from the one shared timer while the connection is idle.
            KeepAlive = _keepAlive,
        };
        lock (session.StandaloneLock)
        {
            session.Standalone = stream;
        }

        try
        {
            await using (stream.ConfigureAwait(false))
            {
                var path = http.Request.Path.Value ?? string.Empty;
                var parent = path.EndsWith(sseSuffix, StringComparison.OrdinalIgnoreCase) ? path[..^sseSuffix.Length] : string.Empty;
                var endpoint = http.Request.PathBase + parent + messagesSuffix + "?sessionId=" + Uri.EscapeDataString(session.Id);
                await stream.WriteRawEventAsync(Encoding.UTF8.GetBytes(endpoint), SseEventType.Endpoint).ConfigureAwait(false);
                LogOpened(logger);

                // The connection is the session: it lives until the client disconnects or the server stops.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session.Ended);
                try
                {
                    await stream.Ended.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Client gone or session ended.
                }
            }
        }
        finally
        {
            await sessions.RemoveAsync(session.Id).ConfigureAwait(false);
        }
    }

    public async Task HandlePostAsync(HttpContext http)
    {
        try
        {
            await HandlePostCoreAsync(http).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            await ErrorResponses.WriteStoreUnavailableAsync(http).ConfigureAwait(false);
        }
    }

    private async Task HandlePostCoreAsync(HttpContext http)
    {
        if (guard.Check(http) is { } refused)
        {
            await ErrorResponses.WriteAsync(http, refused).ConfigureAwait(false);
            return;
        }

        var sessionId = http.Request.Query["sessionId"].ToString();
        var session = sessionId.Length == 0 ? null : await sessions.GetAsync(sessionId, http.RequestAborted).ConfigureAwait(false);
        if (session is null || !session.IsHttpSse2024 || !session.Owner.Admits(http))
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.HttpSse2024SessionNotFound).ConfigureAwait(false);
            return;
        }

        if (await RequestBody.ReadAsync(http, _options.MaxRequestBodyBytes).ConfigureAwait(false) is not { } read)
        {
            return;
        }

        // Copied: the answer is produced after this request (and its buffer) ended.
        var body = read.Buffer.ToArray();
        http.Request.BodyReader.AdvanceTo(read.Buffer.End);
        var payload = JsonRpcReader.Read(body, new JsonRpcReaderOptions { MaxMessageBytes = _options.MaxRequestBodyBytes, MaxDepth = _options.MaxJsonDepth, AllowBatches = false });
        if (payload.HasBodyError)
        {
            await ErrorResponses.WriteAsync(http, payload.BodyError).ConfigureAwait(false);
            return;
        }

        if (!payload.Single.IsValid)
        {
            await ErrorResponses.WriteAsync(http, payload.Single.Error).ConfigureAwait(false);
            return;
        }

        var message = payload.Single.Message;

        // Back-pressure: a request is admitted (and runs in the background) only while the session has a free request
        // slot; a client that floods gets 429 with Retry-After instead of one background task per message, and a
        // duplicate id gets 400 here rather than being dropped later.
        InFlightRequest? inFlight = null;
        if (message.Kind == JsonRpcMessageKind.Request)
        {
            inFlight = new InFlightRequest(session);
            var admission = session.TryBeginRequest(message.Id, inFlight, _options.MaxRequestsInFlightPerSession);
            if (admission != RequestAdmission.Started)
            {
                inFlight.Dispose();
                await (admission == RequestAdmission.TooMany
                    ? ErrorResponses.WriteAsync(http, RejectionReason.TooManyRequestsInFlight)
                    : ErrorResponses.WriteAsync(http, 400, message.Id, JsonRpcErrorCode.InvalidRequest, "Invalid request: a request with this id is already in progress in this session.")).ConfigureAwait(false);
                return;
            }
        }

        // Accepted now; the answer goes to the SSE stream (TR-70). The body array is owned by the message from here on.
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        // The request's scope ends with this 202; the background work uses the application's services.
        var services = rootServices;
        var user = http.User;
        _ = Task.Run(() => ProcessAsync(session, message, inFlight, user, services));
    }

    /// <summary>Runs one message in the background; catches and logs everything (it is not awaited). Ends the admitted request.</summary>
    private async Task ProcessAsync(McpSession session, JsonRpcMessage message, InFlightRequest? inFlight, System.Security.Claims.ClaimsPrincipal user, IServiceProvider services)
    {
        try
        {
            IStandaloneStream? shared;
            lock (session.StandaloneLock)
            {
                shared = session.Standalone;
            }

            if (shared is null)
            {
                return;
            }

            if (inFlight is null)
            {
                if (message.Kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse)
                {
                    await dispatcher.RouteResponseAsync(session, message).ConfigureAwait(false);
                }
                else
                {
                    await dispatcher.DispatchNotificationAsync(new McpNotificationContext(message, session.ProtocolVersion, session, user, services)).ConfigureAwait(false);
                }

                return;
            }

            var sink = new SharedStreamSink(shared);
            var version = message.Method == McpMethod.Initialize ? McpProtocolVersion.Unknown : session.ProtocolVersion;
            var context = new HttpRequestContext(message, version, session, user, services, sink, _options, default) { InFlight = inFlight };
            await dispatcher.RunRequestAsync(context, sink).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogProcessingFailed(logger, message.MethodName, e);
        }
        finally
        {
            if (inFlight is not null)
            {
                session.EndRequest(message.Id);
                inFlight.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "HTTP+SSE (2024-11-05) connection opened.")]
    private static partial void LogOpened(ILogger logger);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "HTTP+SSE: processing {Method} failed.")]
    private static partial void LogProcessingFailed(ILogger logger, string? method, Exception exception);
}

using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Sessions;
using Mcp.Raw.Transport.Sse;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>A request served over HTTP: its stream, its cancellation, its session.</summary>
internal sealed class HttpRequestContext : McpRequestContext, IMcpHttpFeature
{
    private readonly IResponseSink _stream;
    private readonly StreamableHttpOptions _options;
    private readonly CancellationToken _cancellation;
    private readonly InFlightRequest? _inFlight;
    private readonly Microsoft.AspNetCore.Http.HttpContext? _http;

    // The common sink, the request's own response, is called on its sealed type: an interface call of a generic
    // method costs a runtime lookup (VirtualFunctionPointer) on every event.
    private readonly ServerStream? _response;
    private (int Status, TimeSpan RetryAfter)? _limit;

    public HttpRequestContext(
        JsonRpcMessage message, McpProtocolVersion version, McpSession? session, Microsoft.AspNetCore.Http.HttpContext http,
        IResponseSink stream, StreamableHttpOptions options, CancellationToken cancellation)
        : base(message, version, session)
    {
        _http = http;
        _stream = stream;
        _response = stream as ServerStream;
        _options = options;
        _cancellation = cancellation;
    }

    public HttpRequestContext(
        JsonRpcMessage message, McpProtocolVersion version, McpSession? session, ClaimsPrincipal user, IServiceProvider services,
        IResponseSink stream, StreamableHttpOptions options, CancellationToken cancellation)
        : base(message, version, session, user, services)
    {
        _stream = stream;
        _response = stream as ServerStream;
        _options = options;
        _cancellation = cancellation;
    }

    public override CancellationToken Cancellation => _inFlight?.Token ?? _cancellation;

    /// <summary>Whether the request was cancelled, without creating a token source to find out.</summary>
    public override bool IsCancellationRequested => _inFlight?.IsCancellationRequested ?? _cancellation.IsCancellationRequested;

    /// <summary>The in-flight entry whose cancellation this request observes (2025 sessions).</summary>
    public InFlightRequest? InFlight
    {
        get => _inFlight;
        init => _inFlight = value;
    }

    public override bool HasResponded => _stream.HasResponded;

    /// <summary>Set for <c>initialize</c>: whether the handler answered with a result.</summary>
    public bool RespondedWithError { get; private set; }

    /// <summary>The request (null for an HTTP+SSE message, processed after its POST ended).</summary>
    public Microsoft.AspNetCore.Http.HttpContext HttpContext => _http ?? throw new InvalidOperationException("The HTTP request has ended.");

    private protected override ClaimsPrincipal? ReadUser() => _http?.User;

    private protected override IServiceProvider? ReadServices() => _http?.RequestServices;

    private protected override object? GetFeatureCore(Type type) => HttpFeatures.Get(this, _http, type);

    private protected override ValueTask<bool> SendCoreAsync<TState>(McpMessageWriter<TState> write, TState state) =>
        _response is { } stream ? stream.SendAsync(write, state) : _stream.SendAsync(write, state);

    public override ValueTask<JsonRpcMessage> SendRequestAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (IsModern || Session is null || !ProtocolVersion.Supports(McpFeatures.ServerToClientRequests))
        {
            throw new InvalidOperationException("Server-to-client requests need a 2025-era session; in 2026-07-28 ask through an InputRequiredResult (MRTR).");
        }

        return ServerRequests.SendAsync(_stream, Session, method, @params, typeInfo, _options.ServerRequestTimeout,
            "The request's stream cannot carry a server-to-client request (the client accepts only JSON, or the response was sent).",
            Cancellation, cancellationToken);
    }

    public override ValueTask<bool> DisconnectForPollingAsync() => _stream.DisconnectForPollingAsync();

    public override ValueTask RespondLimitReachedAsync(int httpStatus, string message, TimeSpan retryAfter)
    {
        _limit = (httpStatus, retryAfter);
        return RespondErrorAsync(JsonRpcErrorCode.InternalError, message);
    }

    private protected override async ValueTask RespondCoreAsync<TState>(McpMessageWriter<TState> write, TState state, int errorCode, bool isError)
    {
        ArgumentNullException.ThrowIfNull(write);
        RespondedWithError = isError;

        // Session state is committed before the answer leaves: the client may send its next request the moment it
        // reads the initialize result (issue: 1 call in 800 after initialize got 404).
        if (!isError && Session is { IsInitialized: false } session && Message.Method == McpMethod.Initialize && session.ProtocolVersion != McpProtocolVersion.Unknown)
        {
            session.IsInitialized = true;
            try
            {
                await session.SaveAsync().ConfigureAwait(false);
            }
            catch
            {
                // Not recorded, so not live: the handshake's caller ends the session.
                session.IsInitialized = false;
                throw;
            }
        }

        // The status is decided before the first byte (edge case 6): only a modern answer that opens with one of these
        // errors changes it; an SSE stream already open keeps its 200.
        var status = 200;
        if (isError && IsModern)
        {
            status = errorCode switch
            {
                JsonRpcErrorCode.MethodNotFound => 404,
                JsonRpcErrorCode.HeaderMismatch or JsonRpcErrorCode.MissingRequiredClientCapability or JsonRpcErrorCode.UnsupportedProtocolVersion => 400,
                _ => 200,
            };
        }

        if (_limit is { } limit)
        {
            // A limit: its status and Retry-After while the status can still change (an open SSE stream keeps 200).
            status = limit.Status;
            if (_http is { Response.HasStarted: false } http)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(limit.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // The common sink is called directly, as in SendCoreAsync.
        if (_response is { } stream)
        {
            await stream.RespondAsync(write, state, status).ConfigureAwait(false);
        }
        else
        {
            await _stream.RespondAsync(write, state, status).ConfigureAwait(false);
        }
    }
}

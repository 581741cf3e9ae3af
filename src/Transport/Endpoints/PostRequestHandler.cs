using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Events;
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
/// POST on the MCP endpoint: checks, reads the body straight from the request <see cref="PipeReader"/>, classifies
/// the era (M-VR-08), and hands the message to the <see cref="IMcpMessageHandler"/> with a stream to answer on.
/// </summary>
internal sealed partial class PostRequestHandler
{
    private readonly IMcpMessageHandler _handler;
    private readonly MessageDispatcher _dispatcher;
    private readonly ISessionStore _sessions;
    private readonly IEventStore _events;
    private readonly RequestGuard _guard;
    private readonly StreamableHttpOptions _options;
    private readonly KeepAliveScheduler _keepAlive;
    private readonly JsonRpcReaderOptions _readerOptions;
    private readonly ILogger _logger;

    public PostRequestHandler(IMcpMessageHandler handler, MessageDispatcher dispatcher, ISessionStore sessions, IEventStore events, RequestGuard guard, IOptions<StreamableHttpOptions> options, KeepAliveScheduler keepAlive, ILogger<PostRequestHandler> logger)
    {
        _keepAlive = keepAlive;
        _handler = handler;
        _dispatcher = dispatcher;
        _sessions = sessions;
        _events = events;
        _guard = guard;
        _options = options.Value;
        _logger = logger;
        _readerOptions = new JsonRpcReaderOptions { MaxMessageBytes = _options.MaxRequestBodyBytes, MaxDepth = _options.MaxJsonDepth, AllowBatches = true };
    }

    public async Task HandleAsync(HttpContext http)
    {
        if (_guard.Check(http) is { } refused)
        {
            await ErrorResponses.WriteAsync(http, refused).ConfigureAwait(false);
            return;
        }

        var accepts = ContentNegotiation.ParseAccept(http.Request.Headers.Accept);
        if (accepts == ContentNegotiation.Accepts.None)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.NotAcceptable).ConfigureAwait(false);
            return;
        }

        if (await RequestBody.ReadAsync(http, _options.MaxRequestBodyBytes).ConfigureAwait(false) is not { } read)
        {
            return;
        }

        var body = read.Buffer;
        try
        {
            await ProcessAsync(http, body, accepts).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            await ErrorResponses.WriteStoreUnavailableAsync(http).ConfigureAwait(false);
        }
        finally
        {
            http.Request.BodyReader.AdvanceTo(body.End);
        }
    }

    private async Task ProcessAsync(HttpContext http, ReadOnlySequence<byte> body, ContentNegotiation.Accepts accepts)
    {
        var payload = JsonRpcReader.Read(body, _readerOptions);
        if (payload.HasBodyError)
        {
            await ErrorResponses.WriteAsync(http, payload.BodyError).ConfigureAwait(false);
            return;
        }

        var header = ReadHeader(http, McpHeaders.ProtocolVersion);
        if (payload.IsBatch)
        {
            await HandleBatchAsync(http, payload, header, accepts).ConfigureAwait(false);
            return;
        }

        var item = payload.Single;
        if (!item.IsValid)
        {
            // A parseable body that is not a valid message: 400 and -32600, the id echoed when readable (TR-14, M-VR-18).
            await ErrorResponses.WriteAsync(http, item.Error).ConfigureAwait(false);
            return;
        }

        var message = item.Message;
        var era = EraClassifier.Classify(message, header, _options.ModernVersions);
        switch (era.Kind)
        {
            case EraDecisionKind.Refuse when era.ErrorCode == JsonRpcErrorCode.UnsupportedProtocolVersion:
                await ErrorResponses.WriteUnsupportedVersionAsync(http, message.Id, era.Requested!, _options).ConfigureAwait(false);
                return;
            case EraDecisionKind.Refuse:
                await ErrorResponses.WriteAsync(http, era.HttpStatus, message.Id, era.ErrorCode, era.ErrorMessage!).ConfigureAwait(false);
                return;
            case EraDecisionKind.Modern2026:
                await HandleModernAsync(http, message, era.Version, accepts).ConfigureAwait(false);
                return;
            default:
                await HandleSessions2025Async(http, message, era.Version, header, accepts).ConfigureAwait(false);
                return;
        }
    }

    private static string? ReadHeader(HttpContext http, string name)
    {
        var values = http.Request.Headers[name];
        if (values.Count == 0 || values[0] is not { } value)
        {
            return null;
        }

        // Optional whitespace around a value is not part of it; a new string only when there is some.
        var trimmed = value.AsSpan().Trim(" \t");
        return trimmed.Length == value.Length ? value : trimmed.ToString();
    }
}

using System.Buffers;
using System.Security.Claims;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Server;

/// <summary>
/// What a tool, prompt or resource handler gets: its arguments, the caller, a cancellation token, and the ways to
/// talk to the client while it works (log messages, progress, and asking for input), the same in every protocol era.
/// </summary>
public sealed partial class McpContext : IDisposable
{
    private readonly McpServer _server;
    private readonly Dictionary<string, JsonElement>? _answers;
    private Dictionary<string, JsonElement>? _consumed;
    private double _lastProgress = double.NegativeInfinity;
    private int _autoKey;

    private Features.Tasks.RunningTask? _task;
    private ReadOnlySequence<byte> _rawArguments;
    private bool _hasRawArguments;
    private JsonDocument? _argumentsDocument;
    private JsonElement _arguments;

    internal McpContext(McpServer server, McpRequestContext transport, string name, JsonElement arguments, Dictionary<string, JsonElement>? answers, bool stateVerified, JsonElement? toolState)
    {
        _server = server;
        Transport = transport;
        Name = name;
        _arguments = arguments;
        _answers = answers;
        RequestStateVerified = stateVerified;
        State = toolState;
    }

    /// <summary>The transport's view of the request: raw message, session, and raw send methods.</summary>
    public McpRequestContext Transport { get; }

    /// <summary>The tool, prompt or resource being served (for resources: the URI).</summary>
    public string Name { get; }

    /// <summary>
    /// The arguments object as sent (<c>default</c> when the request had none). Valid while the handler runs; clone it
    /// to keep it longer.
    /// </summary>
    public JsonElement Arguments
    {
        get
        {
            if (_hasRawArguments && _argumentsDocument is null)
            {
                _argumentsDocument = JsonDocument.Parse(_rawArguments);
                _arguments = _argumentsDocument.RootElement;
            }

            return _arguments;
        }
    }

    /// <summary>The arguments' raw UTF-8, when the request was read without a DOM (typed binding reads it directly).</summary>
    internal bool TryGetRawArguments(out ReadOnlySequence<byte> raw)
    {
        raw = _rawArguments;
        return _hasRawArguments;
    }

    /// <summary>Gives the context the arguments' raw bytes (the fast path of tools/call).</summary>
    internal void SetRawArguments(ReadOnlySequence<byte> raw)
    {
        _rawArguments = raw;
        _hasRawArguments = true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // A task's context outlives its request: the task ends it (EndTask).
        if (_task is not { IsStarted: true })
        {
            DisposeArguments();
        }
    }

    private void DisposeArguments()
    {
        _argumentsDocument?.Dispose();
        _argumentsDocument = null;
        _taskScope?.Dispose();
        _taskScope = null;
    }

    /// <summary>The protocol version of this request.</summary>
    public McpProtocolVersion ProtocolVersion => Transport.ProtocolVersion;

    /// <summary>True for a 2026-07-28 request (sessionless; input is asked for with MRTR rounds).</summary>
    public bool IsModern => Transport.IsModern;

    /// <summary>The JSON-RPC id of the request.</summary>
    public RequestId RequestId => Transport.Message.Id;

    /// <summary>
    /// Fires when the request is cancelled: <c>notifications/cancelled</c> in a 2025 session, the response stream
    /// closed in 2026-07-28 (UT-09, M-TR cancellation by close), or the server stopping.
    /// </summary>
    public CancellationToken Cancellation => _task?.Cancellation ?? Transport.Cancellation;

    /// <summary>The client's declared capabilities: the session's (2025) or this request's <c>_meta</c> (2026-07-28).</summary>
    public ClientCapabilities? ClientCapabilities => Transport.ClientCapabilities;

    /// <summary>The 2025 session, or null (stateless mode and 2026-07-28).</summary>
    public McpSession? Session => Transport.Session;

    /// <summary>The authenticated user (anonymous when the app has no authentication).</summary>
    public ClaimsPrincipal User => Transport.User;

    /// <summary>The request's services; in a task, a scope of the task's own (the request's ends with its answer).</summary>
    public IServiceProvider Services => _taskScope?.ServiceProvider ?? Transport.Services;

    private Microsoft.Extensions.DependencyInjection.IServiceScope? _taskScope;

    /// <summary>True when this 2026-07-28 retry carried a <c>requestState</c> that passed verification (M-MR-11).</summary>
    public bool RequestStateVerified { get; }

    /// <summary>
    /// State the handler wants back on the next MRTR round (2026-07-28): set it before asking for input; it travels
    /// inside the signed <c>requestState</c> and reads back here on the retry. Unused in 2025 sessions, where the
    /// handler simply keeps running while the client answers.
    /// </summary>
    public JsonElement? State { get; set; }

    /// <summary>The progress token of the request, if the client asked for progress (UT-01).</summary>
    public ProgressToken ProgressToken
    {
        get
        {
            if (!_progressTokenRead)
            {
                _progressToken = Transport.Message.Envelope.ProgressToken;
                _progressTokenRead = true;
            }

            return _progressToken;
        }
    }

    private ProgressToken _progressToken;
    private bool _progressTokenRead;

    /// <summary>Whether a log message at <paramref name="level"/> would reach the client (UT-18, M-SV-12).</summary>
    public bool IsLogEnabled(LoggingLevel level)
    {
        if (_task is not null)
        {
            return false;
        }

        // Read once per request (the 2026-07-28 logLevel lives in _meta; a 2025 session's level may change with
        // logging/setLevel, which a request in flight sees from its next message on).
        if (!_minimumLevelRead || Session is not null)
        {
            _minimumLevel = _server.MinimumLogLevel(Transport);
            _minimumLevelRead = true;
        }

        return _minimumLevel is { } minimum && level >= minimum;
    }

    private LoggingLevel? _minimumLevel;
    private bool _minimumLevelRead;

    /// <summary>
    /// Sends <c>notifications/message</c> on this request's stream, when the client's log level lets it through (in
    /// 2025 sessions the level set by logging/setLevel, in 2026-07-28 the request's <c>logLevel</c>; nothing without one).
    /// </summary>
    public async ValueTask LogAsync(LoggingLevel level, string message, string? logger = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_task is not null || !IsLogEnabled(level))
        {
            return;
        }

        await Transport.SendAsync(static (w, o, s) => w.WriteLogNotification(o, s.level.ToUtf8(), s.message, s.logger), (level, message, logger)).ConfigureAwait(false);
    }

    /// <summary>Logs at <c>debug</c>.</summary>
    public ValueTask LogDebugAsync(string message) => LogAsync(LoggingLevel.Debug, message);

    /// <summary>Logs at <c>info</c>.</summary>
    public ValueTask LogInfoAsync(string message) => LogAsync(LoggingLevel.Info, message);

    /// <summary>Logs at <c>notice</c>.</summary>
    public ValueTask LogNoticeAsync(string message) => LogAsync(LoggingLevel.Notice, message);

    /// <summary>Logs at <c>warning</c>.</summary>
    public ValueTask LogWarningAsync(string message) => LogAsync(LoggingLevel.Warning, message);

    /// <summary>Logs at <c>error</c>.</summary>
    public ValueTask LogErrorAsync(string message) => LogAsync(LoggingLevel.Error, message);

    /// <summary>
    /// Sends <c>notifications/progress</c> with the request's token (UT-02). Nothing is sent when the client gave no
    /// token, or when <paramref name="progress"/> does not increase (UT-03); returns whether it was sent.
    /// </summary>
    public async ValueTask<bool> ReportProgressAsync(double progress, double? total = null, string? message = null)
    {
        if (_task is not null)
        {
            return false;
        }

        var token = ProgressToken;
        if (token.IsNone || !(progress > _lastProgress) || double.IsNaN(progress))
        {
            return false;
        }

        _lastProgress = progress;
        return await Transport.SendAsync(static (w, o, s) => w.WriteProgressNotification(o, s.token, s.progress, s.total, s.message), (token, progress, total, message)).ConfigureAwait(false);
    }

}

/// <summary>LC-06: a server-to-client request before the client sent notifications/initialized.</summary>
internal sealed class ClientNotReadyException(string method)
    : McpException(JsonRpcErrorCode.InternalError, $"{method} cannot be sent before the client's notifications/initialized.");

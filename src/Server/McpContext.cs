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
public sealed class McpContext : IDisposable
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

    /// <summary>
    /// The task this call runs as (the tasks extension, SEP-2663), or null. A task's handler reports no progress and
    /// no log messages (T-24); its input requests make the task <c>input_required</c> until <c>tasks/update</c>
    /// answers them (T-19, T-20); <see cref="Cancellation"/> fires on <c>tasks/cancel</c> (T-22).
    /// </summary>
    public string? TaskId => _task is { IsStarted: true } task ? task.TaskId : null;

    /// <summary>Sets the task's <c>statusMessage</c> (shown by <c>tasks/get</c>); false when this call is not a task.</summary>
    public async ValueTask<bool> SetTaskStatusAsync(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_task is null || !await _task.WhenDecided.ConfigureAwait(false))
        {
            return false;
        }

        await _task.SetStatusMessageAsync(message).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The call may become a task (when the tool first yields): what the handler reads from the request later
    /// (arguments, user, capabilities) is taken out of the request now, before an answer can end it, and the handler's
    /// synchronous start is marked (<see cref="EndSynchronousStart"/>): input asked for there is an MRTR round (T-21).
    /// </summary>
    internal void BindTask(Features.Tasks.RunningTask task)
    {
        _syncThread = Environment.CurrentManagedThreadId;
        // Raw arguments are parsed into a document of our own (the getter's way); a DOM's element is cloned out of it.
        var parsed = _hasRawArguments;
        _ = Arguments;
        if (!parsed && _argumentsDocument is null && _arguments.ValueKind != JsonValueKind.Undefined)
        {
            _arguments = _arguments.Clone();
        }

        _hasRawArguments = false;
        _rawArguments = default;
        _ = Transport.User;
        _ = Transport.ClientCapabilities;
        try
        {
            _taskScope = (Transport.Services.GetService(typeof(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)) as Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)?.CreateScope();
        }
        catch (InvalidOperationException)
        {
            // No services (a transport without them): the handler gets none in a task either.
        }

        _task = task;
    }

    /// <summary>The handler has returned from its synchronous start.</summary>
    internal void EndSynchronousStart() => _syncThread = 0;

    /// <summary>The task has ended: its context goes.</summary>
    internal void EndTask() => DisposeArguments();

    private int _syncThread;

    /// <summary>Whether input asked for now goes through the task (the call became one), not an MRTR round.</summary>
    private async ValueTask<bool> InTaskAsync() =>
        _task is not null && _syncThread != Environment.CurrentManagedThreadId && await _task.WhenDecided.ConfigureAwait(false);

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

    /// <summary>Asks the user for input (<c>elicitation/create</c>; CL-05, CL-06).</summary>
    public async ValueTask<ElicitResult> ElicitAsync(ElicitRequestParams request, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await RequestInputAsync(key ?? NextKey("elicitation"), McpMethods.ElicitationCreate, JsonSerializer.SerializeToElement(request, McpJsonContext.Default.ElicitRequestParams)).ConfigureAwait(false);
        return Read(answer, McpJsonContext.Default.ElicitResult, "ElicitResult");
    }

    /// <summary>Asks the client's model for a completion (<c>sampling/createMessage</c>; CL-01).</summary>
    public async ValueTask<CreateMessageResult> SampleAsync(CreateMessageRequestParams request, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await RequestInputAsync(key ?? NextKey("sampling"), McpMethods.SamplingCreateMessage, JsonSerializer.SerializeToElement(request, McpJsonContext.Default.CreateMessageRequestParams)).ConfigureAwait(false);
        return Read(answer, McpJsonContext.Default.CreateMessageResult, "CreateMessageResult");
    }

    /// <summary>Asks the client for its roots (<c>roots/list</c>; CL-12).</summary>
    public async ValueTask<ListRootsResult> ListRootsAsync(string? key = null)
    {
        var answer = await RequestInputAsync(key ?? NextKey("roots"), McpMethods.RootsList, null).ConfigureAwait(false);
        return Read(answer, McpJsonContext.Default.ListRootsResult, "ListRootsResult");
    }

    /// <summary>
    /// Asks for several inputs at once; keys name the answers. In a 2025 session each becomes a server-to-client request
    /// on this request's stream; in 2026-07-28 they all go out in one <c>InputRequiredResult</c> round (M-MR-03).
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, JsonElement>> RequestInputsAsync(IReadOnlyDictionary<string, InputRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests.Values)
        {
            CheckCapability(request.Method, request.Params);
        }

        if (IsModern)
        {
            Dictionary<string, InputRequest>? missing = null;
            foreach (var (key, request) in requests)
            {
                if (_answers is null || !_answers.ContainsKey(key))
                {
                    (missing ??= new(StringComparer.Ordinal))[key] = request;
                }
            }

            if (missing is not null)
            {
                if (!await InTaskAsync().ConfigureAwait(false))
                {
                    throw new InputRequiredException(missing);
                }

                // A task waits: input_required until tasks/update has answered every request (T-19, T-20).
                var got = await _task!.RequestInputsAsync(missing).ConfigureAwait(false);
                var all = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var key in requests.Keys)
                {
                    all[key] = got.TryGetValue(key, out var value) ? value : Consume(key);
                }

                return all;
            }

            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var key in requests.Keys)
            {
                result[key] = Consume(key);
            }

            return result;
        }

        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, request) in requests)
        {
            answers[key] = await SendServerRequestAsync(request.Method, request.Params).ConfigureAwait(false);
        }

        return answers;
    }

    internal IReadOnlyDictionary<string, JsonElement>? ConsumedAnswers => _consumed;

    private async ValueTask<JsonElement> RequestInputAsync(string key, string method, JsonElement? @params)
    {
        CheckCapability(method, @params);
        if (IsModern)
        {
            if (_answers is not null && _answers.ContainsKey(key))
            {
                return Consume(key);
            }

            if (await InTaskAsync().ConfigureAwait(false))
            {
                var single = new Dictionary<string, InputRequest>(StringComparer.Ordinal) { [key] = new InputRequest { Method = method, Params = @params } };
                return (await _task!.RequestInputsAsync(single).ConfigureAwait(false))[key];
            }

            throw new InputRequiredException(new Dictionary<string, InputRequest>(StringComparer.Ordinal) { [key] = new InputRequest { Method = method, Params = @params } });
        }

        return await SendServerRequestAsync(method, @params).ConfigureAwait(false);
    }

    private JsonElement Consume(string key)
    {
        var value = _answers![key];
        (_consumed ??= new(StringComparer.Ordinal))[key] = value;
        return value;
    }

    private string NextKey(string kind) => kind + "_" + (++_autoKey).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async ValueTask<JsonElement> SendServerRequestAsync(string method, JsonElement? @params)
    {
        if (Session is null)
        {
            throw new McpException(JsonRpcErrorCode.InternalError, $"{method} needs a server-to-client request, which a stateless server cannot send.");
        }

        if (!Session.ClientReady)
        {
            // LC-06: no requests to a client that has not sent notifications/initialized.
            throw new ClientNotReadyException(method);
        }

        var response = await Transport.SendRequestAsync(method, @params ?? s_emptyObject, McpJsonContext.Default.JsonElement, Cancellation).ConfigureAwait(false);
        if (response.Kind == JsonRpcMessageKind.ErrorResponse)
        {
            throw new McpException(response.ErrorCode, $"The client answered {method} with error {response.ErrorCode}: {response.ErrorMessage}");
        }

        var reader = response.CreateResultReader();
        return JsonElement.ParseValue(ref reader);
    }

    private void CheckCapability(string method, JsonElement? @params)
    {
        var caps = ClientCapabilities;
        switch (method)
        {
            case McpMethods.SamplingCreateMessage:
                if (caps?.Sampling is not { ValueKind: JsonValueKind.Object } sampling)
                {
                    throw new McpMissingCapabilityException("sampling");
                }

                if (@params is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("tools", out _) && !sampling.TryGetProperty("tools", out _))
                {
                    throw new McpMissingCapabilityException("sampling");
                }

                break;
            case McpMethods.ElicitationCreate:
                if (caps?.Elicitation is not { ValueKind: JsonValueKind.Object } elicitation)
                {
                    throw new McpMissingCapabilityException("elicitation");
                }

                // CL-05: url mode only when declared; an empty object means form only.
                var isUrl = @params is { ValueKind: JsonValueKind.Object } ep && ep.TryGetProperty("mode", out var mode) && mode.ValueEquals("url"u8);
                var hasForm = elicitation.TryGetProperty("form", out _);
                var hasUrl = elicitation.TryGetProperty("url", out _);
                if (isUrl ? !hasUrl : (hasUrl && !hasForm))
                {
                    throw new McpMissingCapabilityException("elicitation");
                }

                break;
            case McpMethods.RootsList:
                if (caps?.Roots is null)
                {
                    throw new McpMissingCapabilityException("roots");
                }

                break;
            default:
                throw new ArgumentException($"'{method}' is not an input request method (elicitation/create, sampling/createMessage, roots/list).", nameof(method));
        }
    }

    private static T Read<T>(JsonElement answer, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string what)
    {
        try
        {
            return answer.Deserialize(typeInfo) ?? throw new McpException(JsonRpcErrorCode.InvalidParams, $"The client's answer is not a valid {what}.");
        }
        catch (JsonException e)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"The client's answer is not a valid {what}: {e.Message}");
        }
    }

    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement;
}

/// <summary>Thrown inside a 2026-07-28 handler when it needs input the request did not carry; becomes an InputRequiredResult.</summary>
internal sealed class InputRequiredException(Dictionary<string, InputRequest> requests) : Exception("Input required.")
{
    public Dictionary<string, InputRequest> Requests { get; } = requests;
}

/// <summary>LC-06: a server-to-client request before the client sent notifications/initialized.</summary>
internal sealed class ClientNotReadyException(string method)
    : McpException(JsonRpcErrorCode.InternalError, $"{method} cannot be sent before the client's notifications/initialized.");

using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Client;

public sealed partial class McpClient
{
    // ------------------------------------------------------------------ connecting (M-CL-10, TR-68)

    private async Task ConnectHttpAsync(CancellationToken cancellationToken)
    {
        var http = new StreamableHttpConnection(_http!, _url!, _options, OnIncomingAsync);
        _connection = http;
        Transport = McpClientTransport.StreamableHttp;
        var preferred = _options.ProtocolVersion;
        McpProtocolVersion? sessionsVersion = preferred.IsModern() ? null : preferred;
        if (preferred.IsModern())
        {
            try
            {
                if (await TryDiscoverAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (HttpStatusException e) when (e.Status is 401 or 403)
            {
                throw new McpClientException($"The server requires authorization (HTTP {e.Status}).", e);
            }
            catch (HttpStatusException e) when (e.Status is >= 400 and < 500)
            {
                // Step 4: 400/404/405 without a JSON-RPC body: a 2025 server.
            }

            sessionsVersion = _discoveredSessions2025;
        }

        http.ProtocolVersion = null;
        try
        {
            await InitializeAsync(sessionsVersion ?? McpProtocolVersions.LatestSessions2025, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (HttpStatusException e) when (e.Status is 400 or 404 or 405)
        {
            // TR-68: not Streamable HTTP; try the 2024-11-05 HTTP+SSE transport at the same URL.
        }

        await http.DisposeAsync().ConfigureAwait(false);
        var sse = await HttpSse2024Connection.ConnectAsync(_http!, _url!, _options, OnIncomingAsync, cancellationToken).ConfigureAwait(false)
            ?? throw new McpClientException($"{_url} is not an MCP endpoint: server/discover, initialize and the HTTP+SSE GET all failed.");
        _connection = sse;
        Transport = McpClientTransport.HttpSse2024;
        await InitializeAsync(McpProtocolVersion.V2024_11_05, cancellationToken).ConfigureAwait(false);
    }

    private McpProtocolVersion? _discoveredSessions2025;

    /// <summary>Probes with server/discover at 2026-07-28; true when the server speaks it (M-CL-10 steps 1-3, M-CL-11).</summary>
    private async Task<bool> TryDiscoverAsync(CancellationToken cancellationToken)
    {
        ProtocolVersion = McpProtocolVersions.Latest;
        if (_connection is StreamableHttpConnection http)
        {
            http.ProtocolVersion = McpProtocolVersions.V2026_07_28;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                var result = await RequestAsync("server/discover", null, null, null, cancellationToken).ConfigureAwait(false);
                DiscoverResult discover;
                try
                {
                    discover = Read(result, McpJsonContext.Default.DiscoverResult);
                }
                catch (McpClientException)
                {
                    // A result that is no DiscoverResult (some 2025 servers answer unknown methods with {}): not modern.
                    return false;
                }

                if (discover.SupportedVersions.Contains(McpProtocolVersions.V2026_07_28))
                {
                    ServerCapabilities = discover.Capabilities;
                    Instructions = discover.Instructions;
                    ServerInfo = discover.Meta is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty(MetaKeys.ServerInfo, out var info)
                        ? info.Deserialize(McpJsonContext.Default.Implementation)
                        : result.TryGetProperty("serverInfo", out var top) ? top.Deserialize(McpJsonContext.Default.Implementation) : null;
                    return true;
                }

                _discoveredSessions2025 = BestSessions2025(discover.SupportedVersions);
                return false;
            }
            catch (McpClientException e) when (e.Code == JsonRpcErrorCode.UnsupportedProtocolVersion)
            {
                var supported = e.ErrorData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("supported", out var s) && s.ValueKind == JsonValueKind.Array
                    ? s.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
                    : [];
                if (supported.Contains(McpProtocolVersions.V2026_07_28) && attempt == 0)
                {
                    continue;
                }

                _discoveredSessions2025 = BestSessions2025(supported);
                if (_discoveredSessions2025 is null && supported.Count > 0)
                {
                    throw new McpClientException(JsonRpcErrorCode.UnsupportedProtocolVersion, $"The server supports none of our versions ({string.Join(", ", supported)}).", e.ErrorData);
                }

                return false;
            }
            catch (McpClientException e) when (e.Code is JsonRpcErrorCode.HeaderMismatch or JsonRpcErrorCode.MissingRequiredClientCapability)
            {
                // A modern server that refused our request: never fall back (M-CL-10 step 3).
                throw;
            }
            catch (McpClientException e) when (e.Code != 0)
            {
                // Any other JSON-RPC error (-32601, -32600, -32602, -32000, ...): a 2025 server.
                return false;
            }
        }

        return false;
    }

    private static McpProtocolVersion? BestSessions2025(IEnumerable<string> versions)
    {
        McpProtocolVersion? best = null;
        foreach (var v in versions)
        {
            if (McpProtocolVersions.TryParse(v, out var parsed) && !parsed.IsModern() && (best is null || parsed > best))
            {
                best = parsed;
            }
        }

        return best;
    }

    /// <summary>The 2025 lifecycle: initialize, check the version, notifications/initialized, GET stream (LC-01..LC-10).</summary>
    private async Task InitializeAsync(McpProtocolVersion version, CancellationToken cancellationToken)
    {
        ProtocolVersion = version;
        var request = new InitializeRequestParams { ProtocolVersion = version.ToVersionString(), Capabilities = Capabilities, ClientInfo = _options.ClientInfo };
        var p = ToDictionary(JsonSerializer.SerializeToElement(request, McpJsonContext.Default.InitializeRequestParams));
        var result = await RequestAsync("initialize", p, null, null, cancellationToken, allowReinitialize: false).ConfigureAwait(false);
        var init = Read(result, McpJsonContext.Default.InitializeResult);
        if (!McpProtocolVersions.TryParse(init.ProtocolVersion, out var negotiated) || negotiated.IsModern())
        {
            // LC-10: a version we do not speak: leave (the dispose DELETEs the session).
            throw new McpClientException($"The server answered initialize with protocol version '{init.ProtocolVersion}', which this client does not support.");
        }

        ProtocolVersion = negotiated;
        ServerInfo = init.ServerInfo;
        ServerCapabilities = init.Capabilities;
        Instructions = init.Instructions;
        if (_connection is StreamableHttpConnection http)
        {
            http.ProtocolVersion = negotiated.ToVersionString();
        }

        await _connection.SendAsync(BuildNotification("notifications/initialized", null), cancellationToken).ConfigureAwait(false);
        if (_connection is StreamableHttpConnection stream && stream.SessionId is not null && _options.OpenServerStream)
        {
            stream.StartServerStream();
        }
    }

    // ------------------------------------------------------------------ requests

    /// <summary>A request of a method that may answer InputRequiredResult (tools/call, prompts/get, resources/read; M-MR-*).</summary>
    private async Task<JsonElement> RequestWithInputAsync(string method, Dictionary<string, JsonElement> @params, string name, Func<McpNotification, ValueTask>? onProgress, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            var result = await RequestAsync(method, @params, name, onProgress, cancellationToken).ConfigureAwait(false);
            var resultType = result.TryGetProperty("resultType", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : ResultTypes.Complete;
            if (resultType == ResultTypes.Complete)
            {
                return result;
            }

            if (resultType != ResultTypes.InputRequired)
            {
                throw new McpClientException($"Unknown resultType '{resultType}'.");
            }

            if (round + 1 >= _options.MaxInputRounds)
            {
                throw new McpClientException($"The server asked for input more than {_options.MaxInputRounds} times.");
            }

            var hasRequests = result.TryGetProperty("inputRequests", out var requests) && requests.ValueKind == JsonValueKind.Object;
            var hasState = result.TryGetProperty("requestState", out var state) && state.ValueKind == JsonValueKind.String;
            if (!hasRequests && !hasState)
            {
                throw new McpClientException("An input_required result with neither inputRequests nor requestState.");
            }

            // M-MR-08/10: a new request with the original params, this round's answers only, and the state untouched.
            @params.Remove("inputResponses");
            @params.Remove("requestState");
            if (hasRequests)
            {
                var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var input in requests.EnumerateObject())
                {
                    answers[input.Name] = await AnswerAsync(input.Value, cancellationToken).ConfigureAwait(false);
                }

                @params["inputResponses"] = JsonSerializer.SerializeToElement(answers, McpJsonContext.Default.IDictionaryStringJsonElement);
            }

            if (hasState)
            {
                // M-MR-07: copied byte for byte; none when the latest result had none.
                @params["requestState"] = state.Clone();
            }
        }
    }

    /// <summary>One JSON-RPC request: builds it for the era, sends it, handles 404 re-initialize, cancellation and timeouts.</summary>
    private async Task<JsonElement> RequestAsync(string method, Dictionary<string, JsonElement>? @params, string? name, Func<McpNotification, ValueTask>? onProgress, CancellationToken cancellationToken, RequestId? fixedId = null, TimeSpan? timeout = null, bool allowReinitialize = true)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = fixedId ?? _ids.Next();
            var progressToken = onProgress is null ? default : new ProgressToken(id);
            if (onProgress is not null)
            {
                _progress[id] = onProgress;
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout ?? _options.RequestTimeout);
            try
            {
                var body = BuildRequest(id, method, @params, progressToken);
                var headers = IsModern ? ModernHeaders(method, name, @params) : null;
                var response = await _connection.SendRequestAsync(id, body, headers, limit.Token).ConfigureAwait(false);
                if (response.Kind == JsonRpcMessageKind.ErrorResponse)
                {
                    JsonElement? data = null;
                    if (response.HasErrorData)
                    {
                        using var document = JsonDocument.Parse(response.ErrorData);
                        data = document.RootElement.Clone();
                    }

                    throw new McpClientException(response.ErrorCode, response.ErrorMessage ?? "Error.", data);
                }

                using (var document = JsonDocument.Parse(response.Result))
                {
                    return document.RootElement.Clone();
                }
            }
            catch (SessionExpiredException) when (allowReinitialize && attempt == 0 && method != "initialize")
            {
                // TR-55: the session is gone; start over with a fresh initialize, once, then retry.
                if (_connection is StreamableHttpConnection http)
                {
                    http.SessionId = null;
                    http.ProtocolVersion = null;
                }

                await InitializeAsync(_options.ProtocolVersion.IsModern() ? McpProtocolVersions.LatestSessions2025 : _options.ProtocolVersion, cancellationToken).ConfigureAwait(false);
            }
            catch (SessionExpiredException e)
            {
                throw new McpClientException("The server no longer knows this session.", e);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !IsModern && method != "initialize")
            {
                // UT-08: tell the server to stop (2025 eras); in 2026-07-28 closing the stream was the cancellation.
                // LC-14: never for initialize.
                try
                {
                    await _connection.SendAsync(BuildCancelled(id, cancellationToken.IsCancellationRequested ? "cancelled by the client" : "timeout"), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or McpClientException or HttpStatusException or SessionExpiredException)
                {
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new TimeoutException($"{method} took longer than {(timeout ?? _options.RequestTimeout).TotalSeconds:0} s.");
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{method} took longer than {(timeout ?? _options.RequestTimeout).TotalSeconds:0} s.");
            }
            finally
            {
                _progress.TryRemove(id, out _);
            }
        }
    }

    private List<KeyValuePair<string, string>> ModernHeaders(string method, string? name, Dictionary<string, JsonElement>? @params)
    {
        // M-CL-01..03: the standard headers copied from the body, Base64 sentinel where needed.
        var headers = new List<KeyValuePair<string, string>> { new("Mcp-Method", method) };
        if (name is not null)
        {
            headers.Add(new("Mcp-Name", McpHeaderValue.Encode(name)));
        }

        if (method == "tools/call" && name is not null && _toolHeaders.TryGetValue(name, out var annotations) && annotations.Count > 0)
        {
            JsonElement? args = @params is not null && @params.TryGetValue("arguments", out var a) ? a : null;
            headers.AddRange(ToolHeaderAnnotations.GetHeaderValues(annotations, args));
        }

        return headers;
    }

    // ------------------------------------------------------------------ incoming

    private async ValueTask OnIncomingAsync(JsonRpcMessage message)
    {
        if (message.Kind == JsonRpcMessageKind.Notification)
        {
            JsonElement @params = default;
            if (message.HasParams)
            {
                using var document = JsonDocument.Parse(message.Params);
                @params = document.RootElement.Clone();
            }

            var notification = new McpNotification(message.MethodName ?? string.Empty, @params);
            // Progress of one of our calls (UT-01): its token is the request id.
            if (notification.Method == McpMethods.NotificationsProgress && @params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("progressToken", out var token))
            {
                var key = token.ValueKind == JsonValueKind.Number && token.TryGetInt64(out var n) ? new RequestId(n) : token.ValueKind == JsonValueKind.String ? new RequestId(token.GetString()!) : RequestId.None;
                if (!key.IsNone && _progress.TryGetValue(key, out var onProgress))
                {
                    await onProgress(notification).ConfigureAwait(false);
                }
            }

            if (_options.NotificationHandler is { } handler)
            {
                await handler(notification).ConfigureAwait(false);
            }

            return;
        }

        if (message.Kind == JsonRpcMessageKind.Request)
        {
            if (IsModern)
            {
                // M-CL-13: a modern connection drops server-to-client requests.
                return;
            }

            _ = Task.Run(() => AnswerServerRequestAsync(message));
        }
    }

    private async Task AnswerServerRequestAsync(JsonRpcMessage request)
    {
        byte[] body;
        try
        {
            JsonElement @params = s_emptyObject;
            if (request.HasParams)
            {
                using var document = JsonDocument.Parse(request.Params);
                @params = document.RootElement.Clone();
            }

            var result = await AnswerAsync(request.MethodName ?? string.Empty, @params, CancellationToken.None).ConfigureAwait(false);
            body = Build((w, o) => w.WriteResponse(o, request.Id, result, McpJsonContext.Default.JsonElement));
        }
        catch (McpClientException e)
        {
            body = Build((w, o) => w.WriteError(o, request.Id, e.Code == 0 ? JsonRpcErrorCode.InternalError : e.Code, e.Message));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            body = Build((w, o) => w.WriteError(o, request.Id, JsonRpcErrorCode.InternalError, e.Message));
        }

        try
        {
            await _connection.SendAsync(body, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or HttpStatusException or SessionExpiredException or McpClientException)
        {
        }
    }

    /// <summary>Fulfils one MRTR input request <c>{method, params}</c> (M-MR-04, M-MR-06).</summary>
    private ValueTask<JsonElement> AnswerAsync(JsonElement inputRequest, CancellationToken cancellationToken)
    {
        var method = inputRequest.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
        var @params = inputRequest.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? p : s_emptyObject;
        return AnswerAsync(method, @params, cancellationToken);
    }

    /// <summary>Answers a server's request for input with the configured handlers.</summary>
    private async ValueTask<JsonElement> AnswerAsync(string method, JsonElement @params, CancellationToken cancellationToken)
    {
        switch (method)
        {
            case McpMethods.ElicitationCreate when _options.ElicitationHandler is { } elicit:
                var elicitation = @params.Deserialize(McpJsonContext.Default.ElicitRequestParams) ?? throw new McpClientException(JsonRpcErrorCode.InvalidParams, "Invalid elicitation request.");
                if (elicitation.Mode is { } mode && mode != "form")
                {
                    // CL-11: we declared form mode only.
                    throw new McpClientException(JsonRpcErrorCode.InvalidParams, $"Elicitation mode '{mode}' was not declared by this client.");
                }

                return JsonSerializer.SerializeToElement(await elicit(elicitation, cancellationToken).ConfigureAwait(false), McpJsonContext.Default.ElicitResult);
            case McpMethods.SamplingCreateMessage when _options.SamplingHandler is { } sample:
                var sampling = @params.Deserialize(McpJsonContext.Default.CreateMessageRequestParams) ?? throw new McpClientException(JsonRpcErrorCode.InvalidParams, "Invalid sampling request.");
                return JsonSerializer.SerializeToElement(await sample(sampling, cancellationToken).ConfigureAwait(false), McpJsonContext.Default.CreateMessageResult);
            case McpMethods.RootsList when _options.RootsHandler is { } roots:
                return JsonSerializer.SerializeToElement(await roots(cancellationToken).ConfigureAwait(false), McpJsonContext.Default.ListRootsResult);
            case McpMethods.Ping:
                return s_emptyObject;
            default:
                throw new McpClientException(JsonRpcErrorCode.MethodNotFound, $"This client does not handle {method}.");
        }
    }

    // ------------------------------------------------------------------ writing messages

    /// <summary>One message as bytes; the shared writer is used under a lock, the buffer is the caller's own.</summary>
    private byte[] Build(Action<JsonRpcWriter, IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        lock (_writerLock)
        {
            write(_writer, buffer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private byte[] BuildNotification(string method, Dictionary<string, JsonElement>? @params) =>
        Build((w, o) => w.WriteNotification(o, method, (IDictionary<string, JsonElement>)(@params ?? new Dictionary<string, JsonElement>()), McpJsonContext.Default.IDictionaryStringJsonElement));

    private byte[] BuildCancelled(RequestId id, string reason) => Build((w, o) => w.WriteCancelledNotification(o, id, reason));

    /// <summary>The request body: params plus <c>_meta</c> (progress token; the 2026-07-28 envelope, M-RQ-01/02).</summary>
    private byte[] BuildRequest(RequestId id, string method, Dictionary<string, JsonElement>? @params, ProgressToken progressToken)
    {
        var modern = IsModern;
        if (@params is null && !modern && progressToken.IsNone)
        {
            return Build((w, o) => w.WriteRequest(o, id, method, ReadOnlySpan<byte>.Empty));
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            JsonElement existingMeta = default;
            foreach (var (key, value) in @params ?? [])
            {
                if (key == "_meta")
                {
                    existingMeta = value;
                    continue;
                }

                json.WritePropertyName(key);
                value.WriteTo(json);
            }

            json.WritePropertyName("_meta"u8);
            json.WriteStartObject();
            if (existingMeta.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in existingMeta.EnumerateObject())
                {
                    property.WriteTo(json);
                }
            }

            if (!progressToken.IsNone)
            {
                json.WritePropertyName("progressToken"u8);
                progressToken.WriteTo(json);
            }

            if (modern)
            {
                json.WriteString(MetaKeys.ProtocolVersion, ProtocolVersion.ToVersionString());
                json.WritePropertyName(MetaKeys.ClientInfo);
                JsonSerializer.Serialize(json, _options.ClientInfo, McpJsonContext.Default.Implementation);
                json.WritePropertyName(MetaKeys.ClientCapabilities);
                JsonSerializer.Serialize(json, Capabilities, McpJsonContext.Default.ClientCapabilities);
                if (_options.LogLevel is { } level)
                {
                    json.WriteString(MetaKeys.LogLevel, level.ToWireName());
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        var paramsBytes = buffer.WrittenMemory;
        return Build((w, o) => w.WriteRequest(o, id, method, paramsBytes.Span));
    }
}

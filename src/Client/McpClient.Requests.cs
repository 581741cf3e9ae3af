using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Client;

// Requests: one call to the server in the era it speaks (the 2026-07-28 envelope and headers, MRTR rounds answered
// through the handlers), and the messages it writes.
public sealed partial class McpClient
{
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

            if (resultType == "task" && method == "tools/call" && IsModern && _options.EnableTasks)
            {
                return await FollowTaskAsync(result, cancellationToken).ConfigureAwait(false);
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

using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Client;

// What the server sends: notifications to the handler, and the server's own requests (sampling, elicitation, roots,
// ping) answered through the handlers.
public sealed partial class McpClient
{
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
}

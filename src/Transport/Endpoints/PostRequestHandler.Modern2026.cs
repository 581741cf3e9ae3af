using System.Text.Json;

using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Sse;
using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Endpoints;

internal sealed partial class PostRequestHandler
{
    /// <summary>2026-07-28: the envelope and the mirrored headers are checked, then the request runs statelessly.</summary>
    private async Task HandleModernAsync(HttpContext http, JsonRpcMessage message, McpProtocolVersion version, ContentNegotiation.Accepts accepts)
    {
        // Mcp-Session-Id and Last-Event-ID are ignored on modern requests, and never minted (M-TR-23, M-TR-25).
        if (CheckMethodHeader(http, message) is { } methodError)
        {
            await ErrorResponses.WriteAsync(http, 400, message.Id, JsonRpcErrorCode.HeaderMismatch, methodError).ConfigureAwait(false);
            return;
        }

        if (message.Kind == JsonRpcMessageKind.Notification)
        {
            // Modern notifications skip the _meta requirement (M-TR-06, M-VR-08 step 10).
            await _dispatcher.DispatchNotificationAsync(new HttpNotificationContext(message, version, null, http)).ConfigureAwait(false);
            http.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        if (message.Envelope.ClientCapabilitiesKind != JsonValueKind.Object)
        {
            await ErrorResponses.WriteAsync(http, 400, message.Id, JsonRpcErrorCode.InvalidParams, EraClassifier.MissingCapabilities).ConfigureAwait(false);
            return;
        }

        if (message.Method is McpMethod.Ping or McpMethod.LoggingSetLevel or McpMethod.ResourcesSubscribe or McpMethod.ResourcesUnsubscribe or McpMethod.Initialize)
        {
            // Removed in 2026-07-28 (M-VR-09, M-SV-14).
            await ErrorResponses.WriteAsync(http, 404, message.Id, JsonRpcErrorCode.MethodNotFound,
                "Method not found: " + message.MethodName + " does not exist in protocol version " + version.ToVersionString() + ".").ConfigureAwait(false);
            return;
        }

        if (CheckNameHeaders(http, message) is { } nameError)
        {
            await ErrorResponses.WriteAsync(http, 400, message.Id, JsonRpcErrorCode.HeaderMismatch, nameError).ConfigureAwait(false);
            return;
        }

        // Closing the response stream cancels the request, whether it was answered as JSON or SSE (M-TR-20, M-TR-21):
        // Kestrel's RequestAborted fires when the client goes.
        var stream = new ServerStream(http, accepts, store: null, key: default, priming: false, retryMilliseconds: 0)
        {
            KeepAlive = _keepAlive,
        };
        await using (stream.ConfigureAwait(false))
        {
            var context = new HttpRequestContext(message, version, session: null, http, stream, _options, http.RequestAborted);
            await _dispatcher.RunRequestAsync(context, stream).ConfigureAwait(false);
        }
    }

    /// <summary><c>Mcp-Method</c> is required and equals the body's method, case-sensitively (M-TR-08..M-TR-10).</summary>
    private static string? CheckMethodHeader(HttpContext http, in JsonRpcMessage message)
    {
        var values = http.Request.Headers[McpHeaders.Method];
        if (values.Count == 0)
        {
            return "Header mismatch: the Mcp-Method header is required.";
        }

        if (values.Count > 1 || !McpHeaderValue.TryDecode(values[0], out var method) || method.StartsWith(McpHeaderValue.SentinelPrefix, StringComparison.Ordinal))
        {
            return "Header mismatch: the Mcp-Method header has an invalid value.";
        }

        return string.Equals(method, message.MethodName, StringComparison.Ordinal)
            ? null
            : "Header mismatch: Mcp-Method does not match the body's method.";
    }

    /// <summary>
    /// <c>Mcp-Name</c> = <c>params.taskId</c> on tasks/get, tasks/update and tasks/cancel (the tasks extension, T-25), so
    /// that a load balancer can route by it. Read from params here: task requests are rare, and the reader does not pick
    /// taskId out on its one pass.
    /// </summary>
    private static string? CheckTaskNameHeader(HttpContext http, in JsonRpcMessage message)
    {
        if (!message.HasParams)
        {
            return null;
        }

        string? taskId = null;
        var reader = message.CreateParamsReader();
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTaskId = reader.ValueTextEquals("taskId"u8);
                reader.Read();
                if (isTaskId && taskId is not null)
                {
                    // Two taskIds: the header could name one while the handler acts on the other.
                    return "Header mismatch: params.taskId appears more than once.";
                }

                if (isTaskId && reader.TokenType == JsonTokenType.String)
                {
                    taskId = reader.GetString();
                    continue;
                }

                reader.Skip();
            }
        }

        if (taskId is null)
        {
            // The body lacks the member: the handler answers -32602 for the params themselves.
            return null;
        }

        var values = http.Request.Headers[McpHeaders.Name];
        if (values.Count == 0)
        {
            return "Header mismatch: the Mcp-Name header is required for " + message.MethodName + " (the task's id).";
        }

        return values.Count == 1 && McpHeaderValue.TryDecode(values[0], out var name) && string.Equals(name, taskId, StringComparison.Ordinal)
            ? null
            : "Header mismatch: Mcp-Name does not match params.taskId.";
    }

    /// <summary><c>Mcp-Name</c> for tools/call, prompts/get (params.name) and resources/read (params.uri); then <c>Mcp-Param-*</c>.</summary>
    private string? CheckNameHeaders(HttpContext http, in JsonRpcMessage message)
    {
        var envelope = message.Envelope;
        bool isUri;
        switch (message.Method)
        {
            case McpMethod.ToolsCall or McpMethod.PromptsGet:
                isUri = false;
                break;
            case McpMethod.ResourcesRead:
                isUri = true;
                break;
            case McpMethod.TasksGet or McpMethod.TasksUpdate or McpMethod.TasksCancel:
                return CheckTaskNameHeader(http, message);
            default:
                return null;
        }

        if ((isUri ? envelope.UriKind : envelope.NameKind) != JsonValueKind.String)
        {
            // The body lacks the member: the handler answers -32602 for the params themselves.
            return null;
        }

        var values = http.Request.Headers[McpHeaders.Name];
        if (values.Count == 0)
        {
            return "Header mismatch: the Mcp-Name header is required for " + message.MethodName + ".";
        }

        if (values.Count > 1 || !McpHeaderValue.TryDecode(values[0], out var name))
        {
            return "Header mismatch: the Mcp-Name header has an invalid value.";
        }

        // Compared against the body without materializing the body's string.
        if (!(isUri ? envelope.UriEquals(name) : envelope.NameEquals(name)))
        {
            return "Header mismatch: Mcp-Name does not match the body.";
        }

        if (message.Method != McpMethod.ToolsCall)
        {
            return null;
        }

        var annotations = _handler.GetToolHeaderAnnotations(name);
        if (annotations is null || annotations.Count == 0)
        {
            return null;
        }

        // The arguments' bytes as the reader sliced them: no DOM per call.
        var arguments = envelope.ArgumentsKind == JsonValueKind.Object ? envelope.Arguments : default;
        var headers = http.Request.Headers;
        return ToolHeaderAnnotations.TryVerify(annotations, arguments, name => headers.TryGetValue(name, out var v) ? (v.Count == 1 ? v[0] : "\u0001") : null, out var error)
            ? null
            : "Header mismatch: " + error + ".";
    }
}

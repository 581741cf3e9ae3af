using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Microsoft.AspNetCore.Http;

using Mcp.Raw.Transport.Dispatch;

namespace Mcp.Raw.Transport.Http;

/// <summary>Writes refusals: an HTTP status and a JSON-RPC error body (with the id when it could be read).</summary>
internal static class ErrorResponses
{
    /// <summary>Writes a transport refusal: its status, <c>Retry-After</c> where a retry can succeed, the JSON-RPC error, one log line.</summary>
    public static Task WriteAsync(HttpContext http, RejectionReason reason, string? allow = null)
    {
        if (allow is not null)
        {
            http.Response.Headers.Allow = allow;
        }

        var status = Rejections.GetStatusCode(reason);
        if (Rejections.GetRetryAfterSeconds(reason) is > 0 and var seconds && !http.Response.HasStarted)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (http.RequestServices?.GetService(typeof(RejectionLog)) is RejectionLog log)
        {
            log.Log(http, reason, status);
        }

        return WriteAsync(http, status, RequestId.None, Rejections.GetErrorCode(reason), Rejections.GetMessage(reason));
    }

    /// <summary>
    /// A store shared by several processes could not be reached (<see cref="StoreUnavailableException"/>): 503 with
    /// <c>Retry-After</c> when the response has not begun; a response that has (a stream) just ends, and its client
    /// resumes once the store is back.
    /// </summary>
    public static Task WriteStoreUnavailableAsync(HttpContext http) => http.Response.HasStarted ? Task.CompletedTask : WriteAsync(http, RejectionReason.StoreUnavailable);

    public static Task WriteAsync(HttpContext http, int status, RequestId id, int code, string message)
        => WriteAsync(http, status, static (w, o, s) => w.WriteError(o, s.id, s.code, s.message), (id, code, message));

    public static Task WriteAsync(HttpContext http, in JsonRpcReadError error)
    {
        var status = error.Reason == JsonRpcReadErrorReason.MessageTooLarge ? 413 : 400;
        return WriteAsync(http, status, error.Id, error.Code, error.Message);
    }

    /// <summary>-32022 with <c>data.supported</c> and <c>data.requested</c> (M-VR-02).</summary>
    public static Task WriteUnsupportedVersionAsync(HttpContext http, RequestId id, string requested, StreamableHttpOptions options)
    {
        var data = EraClassifier.UnsupportedVersion(requested, options.ModernVersions);
        return WriteAsync(http, 400, static (w, o, s) => w.WriteError(o, s.id, JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", s.data, McpJsonContext.Default.UnsupportedProtocolVersionErrorData), (id, data));
    }

    private static async Task WriteAsync<TState>(HttpContext http, int status, McpMessageWriter<TState> write, TState state)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        using var buffer = new PooledBufferWriter(256);
        using (var writer = new JsonRpcWriter())
        {
            write(writer, buffer, state);
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        try
        {
            await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left; nothing to answer.
        }
    }
}

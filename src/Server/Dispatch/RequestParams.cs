using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Dispatch;

/// <summary>Reading a request's params as a DOM, for the methods off the hot path.</summary>
internal static class RequestParams
{
    /// <summary>The params as a document whose root is an object; -32602 when absent or not an object.</summary>
    public static JsonDocument Parse(McpRequestContext context)
    {
        if (!context.Message.HasParams)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: {context.Message.MethodName} needs params.");
        }

        var document = JsonDocument.Parse(context.Message.Params);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: params must be an object.");
        }

        return document;
    }

    /// <summary>A non-empty string member, or -32602 with <paramref name="message"/>.</summary>
    public static string RequireString(JsonElement root, string property, string message) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: " + message);
}

using System.Globalization;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Dispatch;

/// <summary>
/// Cursor pagination of the list methods (UT-26..UT-27): cursors are ours and opaque (<c>o</c> and an offset);
/// anything we did not issue is -32602.
/// </summary>
internal static class Pagination
{
    /// <summary>The page of <paramref name="count"/> items this request asks for, and the cursor of the next one.</summary>
    public static (int Start, int End, string? Next) Page(McpRequestContext context, int count, int pageSize)
    {
        var start = ReadCursor(context, count);
        var size = Math.Max(1, pageSize);
        var end = Math.Min(count, start + size);
        return (start, end, end < count ? "o" + end.ToString(CultureInfo.InvariantCulture) : null);
    }

    private static int ReadCursor(McpRequestContext context, int count)
    {
        if (!context.Message.HasParams)
        {
            return 0;
        }

        var reader = context.Message.CreateParamsReader();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return 0;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCursor = reader.ValueTextEquals("cursor"u8);
            reader.Read();
            if (!isCursor)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                return 0;
            }

            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { } cursor || !cursor.StartsWith('o')
                || !int.TryParse(cursor.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset < 0 || offset > count)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: unknown or stale cursor.");
            }

            return offset;
        }

        return 0;
    }
}

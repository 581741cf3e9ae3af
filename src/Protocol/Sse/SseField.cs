namespace Mcp.Raw.Protocol.Sse;

/// <summary>Checks SSE field values once, when they are created.</summary>
internal static class SseField
{
    /// <summary>A field value must not contain CR or LF (they end the line), nor NUL (clients ignore such an id).</summary>
    public static bool IsValidValue(ReadOnlySpan<byte> utf8) => utf8.IndexOfAny("\r\n\0"u8) < 0;

    public static bool IsValidValue(ReadOnlySpan<char> text) => text.IndexOfAny('\r', '\n', '\0') < 0;
}

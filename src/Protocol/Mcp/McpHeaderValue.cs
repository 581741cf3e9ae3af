using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// Encoding of values mirrored into HTTP headers (<c>Mcp-Name</c>, <c>Mcp-Param-*</c>; 2026-07-28): plain when
/// header-safe, otherwise the Base64 sentinel <c>=?base64?&lt;Base64 of UTF-8&gt;?=</c> (M-CL-03, M-TR-09).
/// </summary>
public static class McpHeaderValue
{
    /// <summary>The sentinel prefix, lowercase and exact.</summary>
    public const string SentinelPrefix = "=?base64?";

    /// <summary>The sentinel suffix.</summary>
    public const string SentinelSuffix = "?=";

    /// <summary>
    /// Whether a value must travel Base64-encoded: non-ASCII, control characters, leading or trailing whitespace,
    /// or a plain value that itself looks like the sentinel. An empty string is sent as an empty header.
    /// </summary>
    public static bool NeedsEncoding(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return false;
        }

        if (IsOws(value[0]) || IsOws(value[^1]))
        {
            return true;
        }

        foreach (var c in value)
        {
            if (c < 0x20 || c >= 0x7F)
            {
                return true;
            }
        }

        return LooksLikeSentinel(value);
    }

    /// <summary>Encodes a value for a header (M-CL-03).</summary>
    public static string Encode(string value)
        => NeedsEncoding(value) ? SentinelPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + SentinelSuffix : value;

    /// <summary>
    /// Decodes a received header value: optional whitespace around it is stripped (M-TR-11); a value with characters
    /// outside visible ASCII, space and tab is refused (M-TR-09); a well-formed sentinel is decoded and must hold valid
    /// Base64 of valid UTF-8, or the value is refused (no fallback to the literal). A sentinel with a different case, or
    /// without its prefix or suffix, is a literal value.
    /// </summary>
    public static bool TryDecode(string? headerValue, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (headerValue is null)
        {
            return false;
        }

        var span = headerValue.AsSpan().Trim(" \t");
        foreach (var c in span)
        {
            if (!(c is '\t' || (c >= 0x20 && c < 0x7F)))
            {
                return false;
            }
        }

        if (!LooksLikeSentinel(span))
        {
            value = span.Length == headerValue.Length ? headerValue : span.ToString();
            return true;
        }

        var base64 = span[SentinelPrefix.Length..^SentinelSuffix.Length];
        Span<byte> ascii = base64.Length <= 512 ? stackalloc byte[base64.Length] : new byte[base64.Length];
        for (var i = 0; i < base64.Length; i++)
        {
            ascii[i] = (byte)base64[i];
        }

        // Strict: the standard alphabet with padding, nothing else (no whitespace, no URL-safe characters).
        if (!Base64.IsValid(ascii, out var decodedLength) || ascii.IndexOfAny(" \t\r\n"u8) >= 0 || base64.Length % 4 != 0)
        {
            return false;
        }

        var decoded = new byte[decodedLength];
        if (Base64.DecodeFromUtf8(ascii, decoded, out _, out var written) != System.Buffers.OperationStatus.Done
            || !System.Text.Unicode.Utf8.IsValid(decoded.AsSpan(0, written)))
        {
            return false;
        }

        value = Encoding.UTF8.GetString(decoded, 0, written);
        return true;
    }

    private static bool LooksLikeSentinel(ReadOnlySpan<char> value)
        => value.Length >= SentinelPrefix.Length + SentinelSuffix.Length
            && value.StartsWith(SentinelPrefix, StringComparison.Ordinal)
            && value.EndsWith(SentinelSuffix, StringComparison.Ordinal);

    private static bool IsOws(char c) => c is ' ' or '\t';
}

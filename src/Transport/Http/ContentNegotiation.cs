using Microsoft.Extensions.Primitives;

namespace Mcp.Raw.Transport.Http;

/// <summary>
/// What the client accepts and what it sent (TR-05, TR-06, TR-09, TR-28). Lenient as decided in the README:
/// wildcards and parameters are understood; only a client that accepts neither JSON nor SSE is refused.
/// </summary>
internal static class ContentNegotiation
{
    [Flags]
    public enum Accepts
    {
        None = 0,
        Json = 1,
        EventStream = 2,
        Both = Json | EventStream,
    }

    /// <summary>Reads <c>Accept</c>. A missing header accepts anything (RFC 9110).</summary>
    public static Accepts ParseAccept(StringValues values)
    {
        if (StringValues.IsNullOrEmpty(values))
        {
            return Accepts.Both;
        }

        var result = Accepts.None;
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            var span = value.AsSpan();
            foreach (var part in span.Split(','))
            {
                var mediaRange = span[part];
                var semicolon = mediaRange.IndexOf(';');
                var q = 1.0;
                if (semicolon >= 0)
                {
                    q = ParseQ(mediaRange[(semicolon + 1)..]);
                    mediaRange = mediaRange[..semicolon];
                }

                if (q <= 0)
                {
                    continue;
                }

                mediaRange = mediaRange.Trim();
                if (mediaRange.Equals("*/*", StringComparison.Ordinal))
                {
                    result |= Accepts.Both;
                }
                else if (mediaRange.Equals("application/*", StringComparison.OrdinalIgnoreCase) || mediaRange.Equals("application/json", StringComparison.OrdinalIgnoreCase))
                {
                    result |= Accepts.Json;
                }
                else if (mediaRange.Equals("text/*", StringComparison.OrdinalIgnoreCase) || mediaRange.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    result |= Accepts.EventStream;
                }
            }
        }

        return result;
    }

    /// <summary>Whether the request body is declared as JSON (<c>application/json</c>, parameters allowed, TR-09).</summary>
    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        if (semicolon >= 0)
        {
            span = span[..semicolon];
        }

        span = span.Trim();
        return span.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (span.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && span.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static double ParseQ(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(';'))
        {
            var p = parameters[range].Trim();
            if (p.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(p[2..], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var q))
            {
                return q;
            }
        }

        return 1.0;
    }
}

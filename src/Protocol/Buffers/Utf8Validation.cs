using System.Buffers;
using System.Text.Unicode;

namespace Mcp.Raw.Protocol.Buffers;

/// <summary>UTF-8 validation of a possibly multi-segment sequence, with characters split across segments.</summary>
internal static class Utf8Validation
{
    public static bool IsValid(in ReadOnlySequence<byte> input)
    {
        if (input.IsSingleSegment)
        {
            return Utf8.IsValid(input.FirstSpan);
        }

        Span<byte> carry = stackalloc byte[4];
        var carried = 0;
        var needed = 0;
        foreach (var memory in input)
        {
            var span = memory.Span;
            if (carried > 0)
            {
                // Finish the character that the previous segment started.
                var take = Math.Min(needed - carried, span.Length);
                span[..take].CopyTo(carry[carried..]);
                carried += take;
                span = span[take..];
                if (carried < needed)
                {
                    continue;
                }

                if (!Utf8.IsValid(carry[..needed]))
                {
                    return false;
                }

                carried = 0;
            }

            var tail = IncompleteTailStart(span, out needed);
            if (!Utf8.IsValid(span[..tail]))
            {
                return false;
            }

            span[tail..].CopyTo(carry);
            carried = span.Length - tail;
        }

        return carried == 0;
    }

    // Where a trailing, incomplete multi-byte sequence starts (span.Length when there is none).
    private static int IncompleteTailStart(ReadOnlySpan<byte> span, out int needed)
    {
        needed = 0;
        for (var back = 1; back <= 3 && back <= span.Length; back++)
        {
            var b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: keep looking for the lead byte
            }

            if (b >= 0xC0)
            {
                var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                if (length > back)
                {
                    needed = length;
                    return span.Length - back;
                }
            }

            break;
        }

        return span.Length;
    }
}

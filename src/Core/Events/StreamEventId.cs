using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Mcp.Raw.Transport.Events;

/// <summary>
/// An SSE event id: <c>{sessionTag}.{streamId}.{sequence}</c>. It encodes the session and the stream, so that
/// <c>Last-Event-ID</c> maps back to exactly one stream of one session (TR-38, TR-39, TR-42).
/// </summary>
public readonly record struct StreamEventId(StreamKey Stream, long Sequence)
{
    /// <summary>Formats the id.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Stream.SessionTag}.{Stream.StreamId}.{Sequence}");

    /// <summary>The longest formatted id this type produces for the tags and stream ids the transport mints.</summary>
    internal const int MaxUtf8Length = 128;

    /// <summary>Formats the id as UTF-8 without allocating; returns the number of bytes written.</summary>
    internal int FormatUtf8(Span<byte> destination)
    {
        // Written part by part: this runs for every event of every resumable stream.
        var written = System.Text.Encoding.UTF8.GetBytes(Stream.SessionTag, destination);
        destination[written++] = (byte)'.';
        var ok = Stream.StreamId.TryFormat(destination[written..], out var n, default, CultureInfo.InvariantCulture);
        written += n;
        destination[written++] = (byte)'.';
        ok &= Sequence.TryFormat(destination[written..], out n, default, CultureInfo.InvariantCulture);
        System.Diagnostics.Debug.Assert(ok, "Tags and stream ids are short.");
        return written + n;
    }

    /// <summary>Parses an id; false when it is not one of ours.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out StreamEventId? id)
    {
        id = null;
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return false;
        }

        // {tag}.{stream}.{sequence}: a tag with no dot, then two unsigned decimal numbers.
        var span = text.AsSpan();
        var first = span.IndexOf('.');
        if (first <= 0)
        {
            return false;
        }

        var rest = span[(first + 1)..];
        var second = rest.IndexOf('.');
        if (second <= 0
            || !long.TryParse(rest[..second], NumberStyles.None, CultureInfo.InvariantCulture, out var stream)
            || !long.TryParse(rest[(second + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        id = new StreamEventId(new StreamKey(text[..first], stream), sequence);
        return true;
    }
}

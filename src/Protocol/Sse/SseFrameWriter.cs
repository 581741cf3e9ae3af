using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;

namespace Mcp.Raw.Protocol.Sse;

/// <summary>
/// Frames server-sent events into an <see cref="IBufferWriter{T}"/>: <c>id:</c>, <c>event:</c>, <c>retry:</c> and
/// <c>data:</c> fields, comments and priming events, with LF line ends. Pure and synchronous; field values were
/// validated when their <see cref="SseEventId"/> / <see cref="SseEventType"/> was created, so this only asserts.
/// </summary>
public static class SseFrameWriter
{
    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;

    private static ReadOnlySpan<byte> EventPrefix => "event: "u8;

    private static ReadOnlySpan<byte> RetryPrefix => "retry: "u8;

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    /// <summary>
    /// Writes one event. Data with line breaks (CR, LF or CRLF) becomes several <c>data:</c> lines, which the client
    /// joins back with LF (TR-45). Empty data is written as one empty <c>data:</c> line.
    /// </summary>
    public static void WriteEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> data, in SseEventId id = default, in SseEventType type = default, int? retryMilliseconds = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeaderFields(output, id.Utf8, type.Utf8, retryMilliseconds);
        WriteDataLines(output, data);
        WriteByte(output, (byte)'\n');
    }

    /// <summary>
    /// Writes the fields of an event and the <c>data: </c> prefix; the caller then writes the data (one line, such as
    /// compact JSON) straight into <paramref name="output"/> and ends the event with <see cref="EndDataEvent"/>.
    /// </summary>
    public static void BeginDataEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8Id = default, in SseEventType type = default, int? retryMilliseconds = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        Debug.Assert(SseField.IsValidValue(utf8Id), "Event ids are validated when created.");
        WriteHeaderFields(output, utf8Id, type.Utf8, retryMilliseconds);
        Write(output, DataPrefix);
    }

    /// <summary>Ends an event started with <see cref="BeginDataEvent"/>.</summary>
    public static void EndDataEvent(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(output, "\n\n"u8);
    }

    /// <summary>
    /// Writes a priming event: an id and an empty <c>data</c> field, optionally with <c>retry</c>, so the client has a
    /// <c>Last-Event-ID</c> to resume with (TR-15, TR-22).
    /// </summary>
    public static void WritePrimingEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8Id, int? retryMilliseconds = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        Debug.Assert(!utf8Id.IsEmpty && SseField.IsValidValue(utf8Id), "A priming event needs a valid id.");
        WriteHeaderFields(output, utf8Id, default, retryMilliseconds);
        Write(output, "data: \n\n"u8);
    }

    /// <summary>Writes a <c>retry:</c> field as an event of its own.</summary>
    public static void WriteRetry(IBufferWriter<byte> output, int retryMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(retryMilliseconds);
        WriteRetryField(output, retryMilliseconds);
        WriteByte(output, (byte)'\n');
    }

    /// <summary>
    /// Writes a comment (<c>: text</c>) followed by a blank line; clients ignore it, proxies see traffic (TR-34,
    /// M-TR-17). Text with line breaks becomes several comment lines.
    /// </summary>
    public static void WriteComment(IBufferWriter<byte> output, ReadOnlySpan<byte> text = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (text.IsEmpty)
        {
            Write(output, ":\n\n"u8);
            return;
        }

        while (true)
        {
            var end = text.IndexOfAny((byte)'\r', (byte)'\n');
            Write(output, ": "u8);
            Write(output, end < 0 ? text : text[..end]);
            WriteByte(output, (byte)'\n');
            if (end < 0)
            {
                break;
            }

            text = text[(text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1)..];
        }

        WriteByte(output, (byte)'\n');
    }

    private static void WriteHeaderFields(IBufferWriter<byte> output, ReadOnlySpan<byte> id, ReadOnlySpan<byte> type, int? retry)
    {
        if (!id.IsEmpty)
        {
            Write(output, IdPrefix);
            Write(output, id);
            WriteByte(output, (byte)'\n');
        }

        if (!type.IsEmpty)
        {
            Write(output, EventPrefix);
            Write(output, type);
            WriteByte(output, (byte)'\n');
        }

        if (retry is { } ms)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(ms, nameof(retry));
            WriteRetryField(output, ms);
        }
    }

    private static void WriteRetryField(IBufferWriter<byte> output, int ms)
    {
        var span = output.GetSpan(RetryPrefix.Length + 11 + 1);
        RetryPrefix.CopyTo(span);
        Utf8Formatter.TryFormat(ms, span[RetryPrefix.Length..], out var written);
        span[RetryPrefix.Length + written] = (byte)'\n';
        output.Advance(RetryPrefix.Length + written + 1);
    }

    private static void WriteDataLines(IBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        // Fast path: no line break, one data line.
        var end = data.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            Write(output, DataPrefix);
            Write(output, data);
            WriteByte(output, (byte)'\n');
            return;
        }

        while (true)
        {
            Write(output, DataPrefix);
            Write(output, end < 0 ? data : data[..end]);
            WriteByte(output, (byte)'\n');
            if (end < 0)
            {
                return;
            }

            // CRLF is one line break.
            data = data[(data[end] == '\r' && end + 1 < data.Length && data[end + 1] == '\n' ? end + 2 : end + 1)..];
            end = data.IndexOfAny((byte)'\r', (byte)'\n');
        }
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        var span = output.GetSpan(1);
        span[0] = value;
        output.Advance(1);
    }
}

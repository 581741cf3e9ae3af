using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Mcp.Raw.Protocol.Buffers;

namespace Mcp.Raw.Protocol.Sse;

/// <summary>
/// An incremental parser for <c>text/event-stream</c>, following the WHATWG event-stream interpretation: LF, CR
/// and CRLF line ends, multi-line data, comments, <c>retry</c>, a leading BOM, unknown fields ignored, and events
/// split at any byte across reads. Feed it the bytes buffered so far; it consumes complete lines only.
/// </summary>
public sealed class SseParser : IDisposable
{
    private static readonly string s_defaultType = "message";

    private readonly PooledBufferWriter _data = new(1024);
    private readonly int _maxEventBytes;
    private string? _eventType;
    private bool _hasData;
    private string? _lastEventIdBuffer;
    private bool _atStreamStart = true;
    private bool _skipLeadingLf;
    private bool _pendingClear;

    /// <summary>Creates a parser.</summary>
    /// <param name="maxEventBytes">The largest line or event data in bytes; larger input throws <see cref="InvalidDataException"/>.</param>
    public SseParser(int maxEventBytes = 16 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEventBytes);
        _maxEventBytes = maxEventBytes;
    }

    /// <summary>The last event id seen (set by an <c>id:</c> field of a dispatched event), or null.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>The reconnection time from the last valid <c>retry:</c> field, or null.</summary>
    public int? RetryMilliseconds { get; private set; }

    /// <summary>
    /// Parses complete lines from <paramref name="buffer"/> until an event is dispatched. Returns true with the event;
    /// <paramref name="buffer"/> is then sliced past what was consumed. Returns false when more bytes are needed:
    /// the rest of <paramref name="buffer"/> is an incomplete line to be offered again with more bytes appended.
    /// </summary>
    /// <exception cref="InvalidDataException">A line or an event is larger than the limit.</exception>
    public bool TryReadEvent(ref ReadOnlySequence<byte> buffer, out SseEvent sseEvent)
    {
        sseEvent = default;
        if (_pendingClear)
        {
            // The previous event's data was valid until now.
            _data.Clear();
            _pendingClear = false;
        }

        if (_atStreamStart)
        {
            // One UTF-8 BOM at the very start of the stream is skipped.
            if (buffer.Length < 3 && StartsLikeBom(buffer))
            {
                return false;
            }

            _atStreamStart = false;
            if (buffer.Length >= 3 && StartsLikeBom(buffer.Slice(0, 3)))
            {
                buffer = buffer.Slice(3);
            }
        }

        while (!buffer.IsEmpty)
        {
            if (_skipLeadingLf)
            {
                // The previous read ended with CR; a LF right after it belongs to the same line break.
                _skipLeadingLf = false;
                if (buffer.FirstSpan[0] == (byte)'\n')
                {
                    buffer = buffer.Slice(1);
                    continue;
                }
            }

            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadToAny(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: false))
            {
                if (buffer.Length > _maxEventBytes)
                {
                    throw new InvalidDataException(string.Format(System.Globalization.CultureInfo.InvariantCulture, "The SSE line is longer than the limit of {0} bytes.", _maxEventBytes));
                }

                return false;
            }

            reader.TryRead(out var delimiter);
            if (delimiter == (byte)'\r')
            {
                if (reader.End)
                {
                    _skipLeadingLf = true;
                }
                else if (reader.IsNext((byte)'\n', advancePast: true))
                {
                    // CRLF
                }
            }

            buffer = buffer.Slice(reader.Position);
            if (ProcessLine(line, out sseEvent))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets the event being assembled and the stream-start state (for a new connection); keeps <see cref="LastEventId"/>.</summary>
    public void Reset()
    {
        _data.Clear();
        _pendingClear = false;
        _hasData = false;
        _eventType = null;
        _lastEventIdBuffer = LastEventId;
        _atStreamStart = true;
        _skipLeadingLf = false;
    }

    /// <summary>Releases the data buffer.</summary>
    public void Dispose() => _data.Dispose();

    private static bool StartsLikeBom(in ReadOnlySequence<byte> head)
    {
        Span<byte> bytes = stackalloc byte[3];
        var n = (int)Math.Min(3, head.Length);
        head.Slice(0, n).CopyTo(bytes);
        return "\uFEFF"u8[..n].SequenceEqual(bytes[..n]);
    }

    private bool ProcessLine(in ReadOnlySequence<byte> line, out SseEvent sseEvent)
    {
        sseEvent = default;
        if (line.IsEmpty)
        {
            return Dispatch(out sseEvent);
        }

        if (line.Length > _maxEventBytes)
        {
            throw new InvalidDataException(string.Format(System.Globalization.CultureInfo.InvariantCulture, "The SSE line is longer than the limit of {0} bytes.", _maxEventBytes));
        }

        // Lines are short and usually in one segment; copy the rare split line.
        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (line.IsSingleSegment)
        {
            span = line.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
            line.CopyTo(rented);
            span = rented.AsSpan(0, (int)line.Length);
        }

        try
        {
            ProcessField(span);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return false;
    }

    private void ProcessField(ReadOnlySpan<byte> line)
    {
        if (line[0] == (byte)':')
        {
            return; // a comment
        }

        ReadOnlySpan<byte> field, value;
        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            field = line;
            value = default;
        }
        else
        {
            field = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
        }

        if (field.SequenceEqual("data"u8))
        {
            if (_data.WrittenCount + value.Length + 1 > _maxEventBytes)
            {
                throw new InvalidDataException(string.Format(System.Globalization.CultureInfo.InvariantCulture, "The SSE event is larger than the limit of {0} bytes.", _maxEventBytes));
            }

            if (_hasData)
            {
                _data.GetSpan(1)[0] = (byte)'\n';
                _data.Advance(1);
            }

            value.CopyTo(_data.GetSpan(value.Length));
            _data.Advance(value.Length);
            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventType = value.SequenceEqual("message"u8) ? s_defaultType : Encoding.UTF8.GetString(value);
        }
        else if (field.SequenceEqual("id"u8))
        {
            // An id containing NUL is ignored (WHATWG).
            if (value.IndexOf((byte)0) < 0)
            {
                _lastEventIdBuffer = Encoding.UTF8.GetString(value);
            }
        }
        else if (field.SequenceEqual("retry"u8))
        {
            if (!value.IsEmpty && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
            {
                RetryMilliseconds = Utf8Parser.TryParse(value, out int ms, out var consumed) && consumed == value.Length ? ms : int.MaxValue;
            }
        }

        // Any other field is ignored.
    }

    private bool Dispatch(out SseEvent sseEvent)
    {
        LastEventId = _lastEventIdBuffer;
        if (!_hasData)
        {
            // No data lines: nothing is dispatched (an id-only block still updates the last event id).
            _eventType = null;
            sseEvent = default;
            return false;
        }

        sseEvent = new SseEvent(_eventType ?? s_defaultType, _data.WrittenMemory, LastEventId);
        _eventType = null;
        _hasData = false;
        _pendingClear = true;
        return true;
    }
}

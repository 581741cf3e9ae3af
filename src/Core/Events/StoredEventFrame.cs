using System.Buffers;
using System.Diagnostics;
using Mcp.Raw.Protocol.Sse;

namespace Mcp.Raw.Transport.Events;

/// <summary>
/// Frames one event of a resumable stream: its id and its JSON, the same live and on replay (TR-41). The whole
/// frame goes into one span of the output and one <c>Advance</c>: each small write into Kestrel's response writer
/// costs more than the bytes it carries.
/// </summary>
internal static class StoredEventFrame
{
    public static void Write(IBufferWriter<byte> output, StreamEventId id, ReadOnlySpan<byte> json, in SseEventType type = default)
    {
        Debug.Assert(json.IndexOfAny((byte)'\r', (byte)'\n') < 0, "Messages are compact JSON: one data line.");
        Span<byte> idBytes = stackalloc byte[StreamEventId.MaxUtf8Length];
        var idLength = id.FormatUtf8(idBytes);
        var typeBytes = type.Utf8;
        var size = "id: "u8.Length + idLength + 1
            + (typeBytes.IsEmpty ? 0 : "event: "u8.Length + typeBytes.Length + 1)
            + "data: "u8.Length + json.Length + 2;

        var span = output.GetSpan(size);
        var at = 0;
        Append(span, ref at, "id: "u8);
        Append(span, ref at, idBytes[..idLength]);
        span[at++] = (byte)'\n';
        if (!typeBytes.IsEmpty)
        {
            Append(span, ref at, "event: "u8);
            Append(span, ref at, typeBytes);
            span[at++] = (byte)'\n';
        }

        Append(span, ref at, "data: "u8);
        Append(span, ref at, json);
        span[at++] = (byte)'\n';
        span[at++] = (byte)'\n';
        output.Advance(at);
    }

    private static void Append(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }
}

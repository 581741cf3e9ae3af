using System.Buffers;
using Mcp.Raw.Protocol.Sse;
using Mcp.Raw.Transport.Events;

namespace Mcp.Raw.Transport.Sse;

/// <summary>Frames one event of a resumable stream: its id and its JSON, the same live and on replay (TR-41).</summary>
internal static class StoredEventFrame
{
    public static void Write(IBufferWriter<byte> output, StreamEventId id, ReadOnlySpan<byte> json, in SseEventType type = default)
    {
        Span<byte> idBytes = stackalloc byte[StreamEventId.MaxUtf8Length];
        var length = id.FormatUtf8(idBytes);
        SseFrameWriter.BeginDataEvent(output, idBytes[..length], type);
        output.Write(json);
        SseFrameWriter.EndDataEvent(output);
    }
}

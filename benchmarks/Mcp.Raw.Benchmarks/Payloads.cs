using System.Buffers;
using System.Text;

namespace Mcp.Raw.Benchmarks;

/// <summary>Shared request bodies and a two-segment sequence builder (the slow path).</summary>
public static class Payloads
{
    public static byte[] ToolsCall(int textLength) => Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\""
        + new string('x', textLength) + "\"},\"_meta\":{\"progressToken\":7}}}");

    public static byte[] ModernToolsCall(int textLength) => Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\""
        + new string('x', textLength) + "\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"bench\",\"version\":\"1.0\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{},\"progressToken\":7}}}");

    public static ReadOnlySequence<byte> TwoSegments(byte[] bytes)
    {
        var mid = bytes.Length / 2;
        var first = new Segment(bytes.AsMemory(0, mid), 0);
        var last = new Segment(bytes.AsMemory(mid), mid);
        first.SetNext(last);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}

using System.Buffers;

namespace Mcp.Raw.Protocol.Tests;

/// <summary>Builds multi-segment sequences, to run every parser input split at each byte position.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> bytes, int at)
    {
        if (at <= 0 || at >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes.ToArray());
        }

        var first = new Segment(bytes[..at].ToArray(), 0);
        var last = first.Append(bytes[at..].ToArray());
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One segment per byte: the worst case.</summary>
    public static ReadOnlySequence<byte> PerByte(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes.ToArray());
        }

        var first = new Segment(new[] { bytes[0] }, 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(new[] { bytes[i] });
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    /// <summary>The whole input, then every split position, then one byte per segment.</summary>
    public static IEnumerable<(string Name, ReadOnlySequence<byte> Sequence)> AllShapes(byte[] bytes)
    {
        yield return ("single", new ReadOnlySequence<byte>(bytes));
        for (var i = 1; i < bytes.Length; i++)
        {
            yield return ($"split@{i}", Split(bytes, i));
        }

        yield return ("per-byte", PerByte(bytes));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

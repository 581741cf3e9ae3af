using System.Runtime.InteropServices;

namespace Mcp.Raw.Transport.Events;

/// <summary>
/// Where <see cref="InMemoryEventStore"/> keeps the events of streams whose response was delivered while they wait out
/// <see cref="StreamableHttpOptions.DeliveredStreamRetention"/>: the stream's index and bytes are copied back to back
/// into large reused segments, and the stream's own pooled buffers go back to the pool at once.
/// </summary>
/// <remarks>
/// Without it every stream of a busy server holds two rented arrays for the retention: at 10,000 requests a second and
/// 5 s that is 50,000 streams, far beyond what <see cref="System.Buffers.ArrayPool{T}.Shared"/> keeps, so each rent
/// allocated and each array lived long enough for the GC to promote it to generation 2, the most expensive garbage
/// there is. A segment is counted by the records it holds and is reused once they are all released; delivered streams
/// share one retention, so segments empty in about the order they filled. Emptied segments wait as spares; the
/// store's reaper calls <see cref="TrimSpares"/> before each pass, so spares that a whole period of load did not take
/// are let go, and the archive's memory follows the load (what it holds, plus one period's release).
/// Callers serialize per stream (the session's lock); the archive's own state is under its lock.
/// </remarks>
internal sealed class EventArchive
{
    /// <summary>The size of a segment. Large-object heap: allocated rarely and reused, never churned.</summary>
    internal const int SegmentBytes = 256 * 1024;

    /// <summary>Streams larger than this (index included) keep their own buffers: they would waste a segment's tail.</summary>
    internal const int MaxRecordBytes = 32 * 1024;

    private const int MinSpareSegments = 4;

    private readonly Lock _lock = new();
    private readonly Stack<Segment> _spare = new();
    private Segment? _current;
    private int _inUse;

    /// <summary>Segments holding at least one record, and spares (for tests and diagnostics).</summary>
    internal (int InUse, int Spare) SegmentCounts
    {
        get
        {
            lock (_lock)
            {
                return (_inUse, _spare.Count);
            }
        }
    }

    /// <summary>Reserves <paramref name="length"/> bytes for one record; false when the record is too large to archive.</summary>
    public bool TryReserve(int length, out Segment segment, out int offset)
    {
        if (length > MaxRecordBytes)
        {
            segment = null!;
            offset = 0;
            return false;
        }

        // Records start 8-byte aligned: they begin with an index of longs.
        length = (length + 7) & ~7;
        lock (_lock)
        {
            if (_current is null || _current.Used + length > SegmentBytes)
            {
                Seal();
                _current = _spare.TryPop(out var spare) ? spare : new Segment(this);
                _inUse++;
            }

            segment = _current;
            offset = segment.Used;
            segment.Used += length;
            segment.Records++;
            return true;
        }
    }

    /// <summary>Releases one record of a segment; the segment is reused once it holds none and is no longer written.</summary>
    public void Release(Segment segment)
    {
        lock (_lock)
        {
            if (--segment.Records > 0)
            {
                return;
            }

            if (ReferenceEquals(segment, _current))
            {
                // Empty and still being written: start it over.
                segment.Used = 0;
            }
            else
            {
                Recycle(segment);
            }
        }
    }

    /// <summary>Lets go of the spares that nobody took since the last call, keeping a few.</summary>
    public void TrimSpares()
    {
        lock (_lock)
        {
            while (_spare.Count > MinSpareSegments)
            {
                _spare.Pop();
            }
        }
    }

    private void Seal()
    {
        if (_current is { } full)
        {
            _current = null;
            if (full.Records == 0)
            {
                Recycle(full);
            }
        }
    }

    private void Recycle(Segment segment)
    {
        _inUse--;
        segment.Used = 0;
        _spare.Push(segment);
    }

    /// <summary>A segment: records back to back from the start.</summary>
    internal sealed class Segment(EventArchive owner)
    {
        public EventArchive Owner { get; } = owner;

        public byte[] Bytes { get; } = GC.AllocateUninitializedArray<byte>(SegmentBytes);

        public int Used { get; set; }

        public int Records { get; set; }
    }
}

/// <summary>One retained event's place: its sequence and where its bytes lie.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EventSlot
{
    public long Sequence;
    public int Offset;
    public int Length;

    /// <summary>The size of a slot in an archived record's index.</summary>
    public const int Size = 16;
}

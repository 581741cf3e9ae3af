using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Events;

public sealed partial class InMemoryEventStore
{
    /// <summary>
    /// One stream's retained events, by absolute index (events dropped from the front keep their indexes). While the
    /// stream runs, the JSON of every event lives in one pooled byte buffer and the index in one pooled slot array, so
    /// a retained stream is a handful of objects whatever its length. Once its response is delivered, both move into
    /// the store's <see cref="EventArchive"/> (one record: the index, then the bytes) and the buffers go back to the
    /// pool, so the pool serves the streams that are running however many delivered ones wait out their retention.
    /// </summary>
    private sealed class StreamLog(long id, long createdAfter, long now)
    {
        public long Id { get; } = id;

        private byte[] _bytes = [];
        private EventSlot[] _slots = [];

        // Set while the events are archived: the index starts at _slotBase in the segment, offsets are the segment's.
        private EventArchive.Segment? _segment;
        private int _slotBase;

        private int _byteStart;
        private int _byteEnd;
        private int _head;
        private int _tail;
        private long _dropped;
        private TaskCompletionSource? _waiter;

        /// <summary>The session's last sequence when this stream (this life of it) was created.</summary>
        public long CreatedAfter { get; } = createdAfter;

        /// <summary>The highest sequence of this stream no longer retained (or <see cref="CreatedAfter"/>).</summary>
        public long LostThrough { get; private set; } = createdAfter;

        public long LastTouched { get; set; } = now;

        public bool Completed { get; set; }

        public bool Closed { get; private set; }

        /// <summary>The retained events' bytes: they lie back to back between the oldest event and the end.</summary>
        public long Bytes => _byteEnd - _byteStart;

        public int Count => _tail - _head;

        public long FirstSequence => SlotAt(_head).Sequence;

        public void Add(long sequence, ReadOnlySpan<byte> data, long now)
        {
            if (_segment is not null)
            {
                // An event after delivery (rare): the stream takes its events back into buffers of its own.
                Unarchive();
            }

            EnsureSlot();
            EnsureBytes(data.Length);
            data.CopyTo(_bytes.AsSpan(_byteEnd));
            _slots[_tail++] = new EventSlot { Sequence = sequence, Offset = _byteEnd, Length = data.Length };
            _byteEnd += data.Length;
            LastTouched = now;
        }

        /// <summary>Drops the oldest event; returns its size.</summary>
        public long DropOldest()
        {
            var slot = SlotAt(_head++);
            _dropped++;
            LostThrough = slot.Sequence;
            _byteStart = _head < _tail ? SlotAt(_head).Offset : _byteEnd;
            return slot.Length;
        }

        /// <summary>The absolute index of the first event after <paramref name="after"/> (binary search: sequences increase).</summary>
        public long IndexAfter(long after)
        {
            int lo = _head, hi = _tail;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (SlotAt(mid).Sequence <= after)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return _dropped + (lo - _head);
        }

        public bool HasAt(long index)
        {
            var local = index - _dropped;
            if (local < 0)
            {
                throw new EventsLostException();
            }

            return _head + local < _tail;
        }

        /// <summary>The event at an absolute index; its bytes are valid only under the session's lock.</summary>
        public bool TryGet(long index, out long sequence, out ReadOnlySpan<byte> data)
        {
            if (!HasAt(index))
            {
                sequence = 0;
                data = default;
                return false;
            }

            var slot = SlotAt(_head + (int)(index - _dropped));
            sequence = slot.Sequence;
            data = (_segment?.Bytes ?? _bytes).AsSpan(slot.Offset, slot.Length);
            return true;
        }

        /// <summary>
        /// Moves the events into one archive record and gives the stream's buffers back to the pool; the stream stays
        /// as it was for readers (same indexes, same bytes). A stream too large for a record keeps its buffers.
        /// </summary>
        public void Archive(EventArchive archive)
        {
            var count = _tail - _head;
            if (_segment is not null || count == 0)
            {
                if (count == 0)
                {
                    ReturnBuffers();
                }

                return;
            }

            var indexBytes = count * EventSlot.Size;
            var bytes = _byteEnd - _byteStart;
            if (!archive.TryReserve(indexBytes + bytes, out var segment, out var offset))
            {
                return;
            }

            var record = segment.Bytes.AsSpan(offset, indexBytes + bytes);
            var index = MemoryMarshal.Cast<byte, EventSlot>(record[..indexBytes]);
            var dataStart = offset + indexBytes;
            for (var i = 0; i < count; i++)
            {
                var slot = _slots[_head + i];
                index[i] = new EventSlot { Sequence = slot.Sequence, Offset = dataStart + (slot.Offset - _byteStart), Length = slot.Length };
            }

            _bytes.AsSpan(_byteStart, bytes).CopyTo(record[indexBytes..]);
            ReturnBuffers();
            _segment = segment;
            _slotBase = offset;
            _head = 0;
            _tail = count;
            _byteStart = dataStart;
            _byteEnd = dataStart + bytes;
        }

        public TaskCompletionSource Waiter() => _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource? TakeWaiter()
        {
            var waiter = _waiter;
            _waiter = null;
            return waiter;
        }

        /// <summary>Ends this life of the stream and gives its buffers back to the pool (or its record to the archive).</summary>
        public TaskCompletionSource? Close()
        {
            Closed = true;
            _dropped += _tail - _head;
            _head = _tail = 0;
            _byteStart = _byteEnd = 0;
            ReleaseSegment();
            ReturnBuffers();
            return TakeWaiter();
        }

        private EventSlot SlotAt(int i) =>
            _segment is null ? _slots[i] : MemoryMarshal.Read<EventSlot>(_segment.Bytes.AsSpan(_slotBase + (i * EventSlot.Size), EventSlot.Size));

        private void ReleaseSegment()
        {
            if (_segment is { } segment)
            {
                _segment = null;
                segment.Owner.Release(segment);
            }
        }

        private void ReturnBuffers()
        {
            if (_bytes.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = [];
            }

            if (_slots.Length > 0)
            {
                ArrayPool<EventSlot>.Shared.Return(_slots);
                _slots = [];
            }
        }

        private void Unarchive()
        {
            var count = _tail - _head;
            var bytes = _byteEnd - _byteStart;
            var slots = ArrayPool<EventSlot>.Shared.Rent(Math.Max(16, 2 * count));
            var data = ArrayPool<byte>.Shared.Rent(Math.Max(1024, 2 * bytes));
            for (var i = 0; i < count; i++)
            {
                var slot = SlotAt(_head + i);
                slots[i] = new EventSlot { Sequence = slot.Sequence, Offset = slot.Offset - _byteStart, Length = slot.Length };
            }

            _segment!.Bytes.AsSpan(_byteStart, bytes).CopyTo(data);
            ReleaseSegment();
            _slots = slots;
            _bytes = data;
            _head = 0;
            _tail = count;
            _byteStart = 0;
            _byteEnd = bytes;
        }

        private void EnsureSlot()
        {
            if (_tail < _slots.Length)
            {
                return;
            }

            var live = _tail - _head;
            if (_slots.Length > 0 && live <= _slots.Length / 2)
            {
                // Half or more of the array is dropped events: slide the live ones down.
                Array.Copy(_slots, _head, _slots, 0, live);
            }
            else
            {
                var grown = ArrayPool<EventSlot>.Shared.Rent(Math.Max(16, 2 * live));
                Array.Copy(_slots, _head, grown, 0, live);
                if (_slots.Length > 0)
                {
                    ArrayPool<EventSlot>.Shared.Return(_slots);
                }

                _slots = grown;
            }

            _head = 0;
            _tail = live;
        }

        private void EnsureBytes(int length)
        {
            if (_byteEnd + length <= _bytes.Length)
            {
                return;
            }

            var live = _byteEnd - _byteStart;
            var shift = _byteStart;
            if (live + length <= _bytes.Length && _byteStart >= _bytes.Length / 2)
            {
                // Mostly dropped events: slide the live bytes down instead of growing.
                _bytes.AsSpan(_byteStart, live).CopyTo(_bytes);
            }
            else
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(1024, 2 * (live + length)));
                _bytes.AsSpan(_byteStart, live).CopyTo(grown);
                if (_bytes.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_bytes);
                }

                _bytes = grown;
            }

            for (var i = _head; i < _tail; i++)
            {
                _slots[i].Offset -= shift;
            }

            _byteStart = 0;
            _byteEnd = live;
        }
    }
}

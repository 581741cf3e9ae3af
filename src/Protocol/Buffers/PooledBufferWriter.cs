using System.Buffers;
using System.Diagnostics;

namespace Mcp.Raw.Protocol.Buffers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array rented from <see cref="ArrayPool{T}.Shared"/>,
/// grown by doubling. Reuse it across messages with <see cref="Clear"/>; return the array with <see cref="Dispose"/>.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int DefaultInitialCapacity = 256;

    private byte[] _buffer;
    private int _written;

    /// <summary>Creates a writer with the given initial capacity.</summary>
    public PooledBufferWriter(int initialCapacity = DefaultInitialCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>The number of bytes written since the last <see cref="Clear"/>.</summary>
    public int WrittenCount => _written;

    /// <summary>The size of the rented buffer.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Forgets what was written; keeps the rented buffer.</summary>
    public void Clear() => _written = 0;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written > _buffer.Length - count)
        {
            ThrowHelper.ThrowInvalidOperationException_AdvancedTooFar();
        }

        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Returns the rented array to the pool.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureCapacity(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        if (sizeHint == 0)
        {
            sizeHint = 1;
        }

        if (sizeHint > _buffer.Length - _written)
        {
            Grow(sizeHint);
        }
    }

    private void Grow(int sizeHint)
    {
        var needed = (long)_written + sizeHint;
        var newSize = Math.Max(needed, Math.Max(_buffer.Length * 2L, DefaultInitialCapacity));
        if (newSize > Array.MaxLength)
        {
            if (needed > Array.MaxLength)
            {
                ThrowHelper.ThrowInvalidOperationException("The buffer cannot grow beyond Array.MaxLength.");
            }

            newSize = Array.MaxLength;
        }

        var next = ArrayPool<byte>.Shared.Rent((int)newSize);
        _buffer.AsSpan(0, _written).CopyTo(next);
        var old = _buffer;
        _buffer = next;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }

        Debug.Assert(_buffer.Length - _written >= sizeHint);
    }
}

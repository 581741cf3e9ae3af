using System.Diagnostics;
using System.Text;

namespace Mcp.Raw.Protocol.Sse;

/// <summary>An SSE event id, validated once when created (no CR, LF or NUL). <c>default</c> means no id.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct SseEventId : IEquatable<SseEventId>
{
    private readonly byte[]? _utf8;

    /// <summary>Creates an id from text.</summary>
    /// <exception cref="ArgumentException">The text contains CR, LF or NUL.</exception>
    public SseEventId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!SseField.IsValidValue(value.AsSpan()))
        {
            ThrowHelper.ThrowArgumentException_InvalidSseField(nameof(value), "id");
        }

        _utf8 = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Creates an id from UTF-8 bytes (copied).</summary>
    /// <exception cref="ArgumentException">The bytes contain CR, LF or NUL.</exception>
    public SseEventId(ReadOnlySpan<byte> utf8)
    {
        if (!SseField.IsValidValue(utf8))
        {
            ThrowHelper.ThrowArgumentException_InvalidSseField(nameof(utf8), "id");
        }

        _utf8 = utf8.ToArray();
    }

    /// <summary>Whether an id is set.</summary>
    public bool HasValue => _utf8 is not null;

    /// <summary>The id's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <inheritdoc />
    public bool Equals(SseEventId other) => Utf8.SequenceEqual(other.Utf8) && HasValue == other.HasValue;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SseEventId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => _utf8 is null ? string.Empty : Encoding.UTF8.GetString(_utf8);

    /// <summary>Compares two ids.</summary>
    public static bool operator ==(SseEventId left, SseEventId right) => left.Equals(right);

    /// <summary>Compares two ids.</summary>
    public static bool operator !=(SseEventId left, SseEventId right) => !left.Equals(right);
}

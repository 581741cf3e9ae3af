using System.Diagnostics;
using System.Text;

namespace Mcp.Raw.Protocol.Sse;

/// <summary>An SSE event type (the <c>event:</c> field), validated once. <c>default</c> means the default type, <c>message</c>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct SseEventType : IEquatable<SseEventType>
{
    private readonly byte[]? _utf8;

    /// <summary>Creates an event type.</summary>
    /// <exception cref="ArgumentException">The name is empty or contains CR, LF or NUL.</exception>
    public SseEventType(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!SseField.IsValidValue(name.AsSpan()))
        {
            ThrowHelper.ThrowArgumentException_InvalidSseField(nameof(name), "event type");
        }

        _utf8 = Encoding.UTF8.GetBytes(name);
    }

    /// <summary>The type <c>message</c>, written explicitly.</summary>
    public static SseEventType Message { get; } = new("message");

    /// <summary>The type <c>endpoint</c> of the 2024-11-05 HTTP+SSE transport (TR-70).</summary>
    public static SseEventType Endpoint { get; } = new("endpoint");

    /// <summary>Whether a type is set.</summary>
    public bool HasValue => _utf8 is not null;

    /// <summary>The type's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <inheritdoc />
    public bool Equals(SseEventType other) => Utf8.SequenceEqual(other.Utf8) && HasValue == other.HasValue;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SseEventType other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => _utf8 is null ? "message" : Encoding.UTF8.GetString(_utf8);

    /// <summary>Compares two types.</summary>
    public static bool operator ==(SseEventType left, SseEventType right) => left.Equals(right);

    /// <summary>Compares two types.</summary>
    public static bool operator !=(SseEventType left, SseEventType right) => !left.Equals(right);
}

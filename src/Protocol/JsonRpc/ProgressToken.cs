using System.Diagnostics;
using System.Text.Json;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>A progress token: a string or an integer, kept exactly as sent (UT-01).</summary>
[DebuggerDisplay("{Value}")]
[System.Text.Json.Serialization.JsonConverter(typeof(ProgressTokenJsonConverter))]
public readonly struct ProgressToken : IEquatable<ProgressToken>
{
    /// <summary>Wraps a value.</summary>
    public ProgressToken(RequestId value) => Value = value;

    /// <summary>The token's value (same shape as a request id).</summary>
    public RequestId Value { get; }

    /// <summary>Whether no token was given.</summary>
    public bool IsNone => Value.IsNone;

    /// <summary>Writes the token as a JSON value.</summary>
    public void WriteTo(Utf8JsonWriter writer) => Value.WriteTo(writer);

    /// <inheritdoc />
    public bool Equals(ProgressToken other) => Value.Equals(other.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ProgressToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    /// <summary>Compares two tokens.</summary>
    public static bool operator ==(ProgressToken left, ProgressToken right) => left.Equals(right);

    /// <summary>Compares two tokens.</summary>
    public static bool operator !=(ProgressToken left, ProgressToken right) => !left.Equals(right);

    /// <summary>Converts an integer to a token.</summary>
    public static implicit operator ProgressToken(long value) => new(new RequestId(value));

    /// <summary>Converts a string to a token.</summary>
    public static implicit operator ProgressToken(string value) => new(new RequestId(value));
}

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// A JSON-RPC request id: a string or an integer, kept exactly as sent. <c>1</c> and <c>"1"</c> are different ids
/// (JR-02), and integers beyond 64 bits keep their digits.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
[System.Text.Json.Serialization.JsonConverter(typeof(RequestIdJsonConverter))]
public readonly struct RequestId : IEquatable<RequestId>
{
    // For strings: the value. For integers outside Int64: the digits as sent. Otherwise null.
    private readonly string? _text;
    private readonly long _number;
    private readonly RequestIdKind _kind;

    /// <summary>Creates an integer id.</summary>
    public RequestId(long number)
    {
        _number = number;
        _kind = RequestIdKind.Number;
    }

    /// <summary>Creates a string id.</summary>
    public RequestId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _text = value;
        _kind = RequestIdKind.String;
    }

    private RequestId(string digits, bool bigInteger)
    {
        Debug.Assert(bigInteger);
        _text = digits;
        _kind = RequestIdKind.Number;
    }

    /// <summary>The absent id (<c>default</c>), used for notifications and for error responses to unreadable requests.</summary>
    public static RequestId None => default;

    /// <summary>Whether this id is absent.</summary>
    public bool IsNone => _kind == RequestIdKind.None;

    /// <summary>Whether this id is a JSON number (an integer).</summary>
    public bool IsNumber => _kind == RequestIdKind.Number;

    /// <summary>Whether this id is a JSON string.</summary>
    public bool IsString => _kind == RequestIdKind.String;

    /// <summary>The kind of id.</summary>
    public RequestIdKind Kind => _kind;

    /// <summary>The string value of a string id.</summary>
    /// <exception cref="InvalidOperationException">The id is not a string.</exception>
    public string StringValue => _kind == RequestIdKind.String ? _text! : throw new InvalidOperationException(Strings.RequestIdNotString);

    /// <summary>Gets the integer value when this id is an integer that fits in 64 bits.</summary>
    public bool TryGetInt64(out long value)
    {
        value = _number;
        return _kind == RequestIdKind.Number && _text is null;
    }

    /// <summary>Creates an integer id from the digits of a JSON number token (used for integers beyond 64 bits).</summary>
    /// <exception cref="FormatException">The text is not a JSON integer.</exception>
    public static RequestId FromIntegerText(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (!IsJsonInteger(digits.AsSpan()))
        {
            throw ThrowHelper.CreateFormatException(Strings.RequestIdNotInteger);
        }

        return long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? new RequestId(n)
            : new RequestId(digits, bigInteger: true);
    }

    /// <summary>Writes the id as a JSON value (<c>null</c> when absent).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (_kind)
        {
            case RequestIdKind.Number when _text is null:
                writer.WriteNumberValue(_number);
                break;
            case RequestIdKind.Number:
                writer.WriteRawValue(_text, skipInputValidation: true);
                break;
            case RequestIdKind.String:
                writer.WriteStringValue(_text);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <inheritdoc />
    public bool Equals(RequestId other)
        => _kind == other._kind && _number == other._number && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RequestId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_kind, _number, _text is null ? 0 : string.GetHashCode(_text, StringComparison.Ordinal));

    /// <summary>The id as text: the digits of a number, the value of a string, or an empty string when absent.</summary>
    public override string ToString() => _kind switch
    {
        RequestIdKind.Number => _text ?? _number.ToString(CultureInfo.InvariantCulture),
        RequestIdKind.String => _text!,
        _ => string.Empty,
    };

    /// <summary>Compares two ids.</summary>
    public static bool operator ==(RequestId left, RequestId right) => left.Equals(right);

    /// <summary>Compares two ids.</summary>
    public static bool operator !=(RequestId left, RequestId right) => !left.Equals(right);

    /// <summary>Converts an integer to an id.</summary>
    public static implicit operator RequestId(long number) => new(number);

    /// <summary>Converts a string to an id.</summary>
    public static implicit operator RequestId(string value) => new(value);

    /// <summary>
    /// Reads an id from the reader's current token. Returns false when the token is not a string or an integer
    /// (a fractional or exponent number, an object, an array, a boolean or null).
    /// </summary>
    internal static bool TryRead(ref Utf8JsonReader reader, out RequestId id)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                id = new RequestId(reader.GetString()!);
                return true;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var n) && IsRawInteger(ref reader))
                {
                    id = new RequestId(n);
                    return true;
                }

                if (IsRawInteger(ref reader))
                {
                    // Beyond Int64: keep the digits exactly as sent.
                    id = new RequestId(GetRawText(ref reader), bigInteger: true);
                    return true;
                }

                break;
        }

        id = default;
        return false;
    }

    private static bool IsRawInteger(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence)
        {
            return IsJsonInteger(reader.ValueSpan);
        }

        // A number split across segments: copy it (rare; numbers are short).
        var seq = reader.ValueSequence;
        if (seq.Length > 512)
        {
            return false;
        }

        Span<byte> tmp = stackalloc byte[(int)seq.Length];
        seq.CopyTo(tmp);
        return IsJsonInteger(tmp);
    }

    private static string GetRawText(ref Utf8JsonReader reader)
        => reader.HasValueSequence
            ? System.Text.Encoding.UTF8.GetString(reader.ValueSequence.ToArray())
            : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);

    // The reader has already checked the number grammar; an integer is a number without fraction or exponent.
    private static bool IsJsonInteger(ReadOnlySpan<byte> raw) => raw.IndexOfAny(".eE"u8) < 0;

    private static bool IsJsonInteger(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty)
        {
            return false;
        }

        var digits = raw[0] == '-' ? raw[1..] : raw;
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        // JSON forbids leading zeros.
        return digits.Length == 1 || digits[0] != '0';
    }
}

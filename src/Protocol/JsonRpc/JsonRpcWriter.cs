using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// Writes JSON-RPC requests, notifications, responses and errors into an <see cref="IBufferWriter{T}"/> through one
/// reusable <see cref="Utf8JsonWriter"/>, reset per message. Output is compact and never contains a raw line break,
/// so one message fits one SSE <c>data:</c> line. Not thread-safe: one instance per output stream. When a write
/// throws (for example on malformed raw JSON), part of the message may already be in the output: discard it.
/// </summary>
public sealed partial class JsonRpcWriter : IDisposable
{
    /// <summary>Writer options: compact, UTF-8 kept as is (control characters still escaped).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    private readonly Utf8JsonWriter _json = new(Stream.Null, WriterOptions);

    /// <summary>
    /// The underlying <see cref="Utf8JsonWriter"/> for custom writing between <see cref="Begin"/> and <see cref="End"/>.
    /// </summary>
    public Utf8JsonWriter Json => _json;

    /// <summary>Starts a message object in <paramref name="output"/> and writes <c>"jsonrpc":"2.0"</c>.</summary>
    public Utf8JsonWriter Begin(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _json.Reset(output);
        _json.WriteStartObject();
        _json.WriteString(Names.JsonRpc, Names.Version);
        return _json;
    }

    /// <summary>Ends the message object and flushes it into the output.</summary>
    public void End()
    {
        _json.WriteEndObject();
        _json.Flush();
    }

    /// <summary>Writes a request with typed params.</summary>
    public void WriteRequest<TParams>(IBufferWriter<byte> output, RequestId id, string method, TParams @params, JsonTypeInfo<TParams> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = Begin(output);
        json.WritePropertyName(Names.Id);
        id.WriteTo(json);
        json.WriteString(Names.Method, method);
        json.WritePropertyName(Names.Params);
        JsonSerializer.Serialize(json, @params, typeInfo);
        End();
    }

    /// <summary>Writes a request whose params are raw JSON (or absent when empty).</summary>
    public void WriteRequest(IBufferWriter<byte> output, RequestId id, string method, ReadOnlySpan<byte> rawParams)
    {
        ArgumentNullException.ThrowIfNull(method);
        var json = Begin(output);
        json.WritePropertyName(Names.Id);
        id.WriteTo(json);
        json.WriteString(Names.Method, method);
        if (!rawParams.IsEmpty)
        {
            json.WritePropertyName(Names.Params);
            WriteRawCompact(json, rawParams);
        }

        End();
    }

    /// <summary>Writes a notification with typed params.</summary>
    public void WriteNotification<TParams>(IBufferWriter<byte> output, string method, TParams @params, JsonTypeInfo<TParams> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = Begin(output);
        json.WriteString(Names.Method, method);
        json.WritePropertyName(Names.Params);
        JsonSerializer.Serialize(json, @params, typeInfo);
        End();
    }

    /// <summary>Writes a notification whose params are raw JSON (or absent when empty).</summary>
    public void WriteNotification(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8Method, ReadOnlySpan<byte> rawParams)
    {
        var json = Begin(output);
        json.WriteString(Names.Method, utf8Method);
        if (!rawParams.IsEmpty)
        {
            json.WritePropertyName(Names.Params);
            WriteRawCompact(json, rawParams);
        }

        End();
    }

    /// <summary>Writes a response with a typed result.</summary>
    public void WriteResponse<TResult>(IBufferWriter<byte> output, RequestId id, TResult result, JsonTypeInfo<TResult> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = Begin(output);
        json.WritePropertyName(Names.Id);
        id.WriteTo(json);
        json.WritePropertyName(Names.Result);
        JsonSerializer.Serialize(json, result, typeInfo);
        End();
    }

    /// <summary>Writes a response whose result is raw JSON (made compact if it holds line breaks).</summary>
    public void WriteResponse(IBufferWriter<byte> output, RequestId id, ReadOnlySpan<byte> rawResult)
    {
        var json = Begin(output);
        json.WritePropertyName(Names.Id);
        id.WriteTo(json);
        json.WritePropertyName(Names.Result);
        WriteRawCompact(json, rawResult.IsEmpty ? "{}"u8 : rawResult);
        End();
    }

    /// <summary>Writes a response whose result is written by a callback (no intermediate buffer, no closure).</summary>
    public void WriteResponse<TState>(IBufferWriter<byte> output, RequestId id, Action<Utf8JsonWriter, TState> writeResult, TState state)
    {
        ArgumentNullException.ThrowIfNull(writeResult);
        var json = Begin(output);
        json.WritePropertyName(Names.Id);
        id.WriteTo(json);
        json.WritePropertyName(Names.Result);
        writeResult(json, state);
        End();
    }

    /// <summary>
    /// Writes an error response. <paramref name="id"/> is <see cref="RequestId.None"/> when the request's id could not
    /// be read, written as <c>"id":null</c> (JR-08).
    /// </summary>
    public void WriteError(IBufferWriter<byte> output, RequestId id, int code, string message, ReadOnlySpan<byte> rawData = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var json = Begin(output);
        json.WritePropertyName(Names.Id);
        id.WriteTo(json);
        json.WritePropertyName(Names.Error);
        json.WriteStartObject();
        json.WriteNumber(Names.Code, code);
        json.WriteString(Names.Message, message);
        if (!rawData.IsEmpty)
        {
            json.WritePropertyName(Names.Data);
            WriteRawCompact(json, rawData);
        }

        json.WriteEndObject();
        End();
    }

    /// <summary>Writes an error response with typed data.</summary>
    public void WriteError<TData>(IBufferWriter<byte> output, RequestId id, int code, string message, TData data, JsonTypeInfo<TData> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = Begin(output);
        json.WritePropertyName(Names.Id);
        id.WriteTo(json);
        json.WritePropertyName(Names.Error);
        json.WriteStartObject();
        json.WriteNumber(Names.Code, code);
        json.WriteString(Names.Message, message);
        json.WritePropertyName(Names.Data);
        JsonSerializer.Serialize(json, data, typeInfo);
        json.WriteEndObject();
        End();
    }

    /// <summary>Writes the error response for a read error (its code, message and id).</summary>
    public void WriteError(IBufferWriter<byte> output, in JsonRpcReadError error)
        => WriteError(output, error.Id, error.Code, error.Message);

    /// <summary>
    /// Writes <c>notifications/progress</c> without allocating: <c>progressToken</c>, <c>progress</c>, optional
    /// <c>total</c> and <c>message</c> (UT-02).
    /// </summary>
    public void WriteProgressNotification(IBufferWriter<byte> output, in ProgressToken token, double progress, double? total = null, string? message = null)
    {
        var json = Begin(output);
        json.WriteString(Names.Method, Names.NotificationsProgress);
        json.WritePropertyName(Names.Params);
        json.WriteStartObject();
        json.WritePropertyName(Names.ProgressToken);
        token.WriteTo(json);
        WriteNumber(json, Names.Progress, progress);
        if (total is { } t)
        {
            WriteNumber(json, Names.Total, t);
        }

        if (message is not null)
        {
            json.WriteString(Names.Message, message);
        }

        json.WriteEndObject();
        End();
    }

    /// <summary>
    /// Writes a number; an integral one (progress counts, the common case) as an integer, which is the text the
    /// double would be written as, without the shortest round-trip search. Below 1e15, where that text switches to an
    /// exponent; negative zero keeps its sign.
    /// </summary>
    private static void WriteNumber(Utf8JsonWriter json, JsonEncodedText name, double value)
    {
        if (value > -1e15 && value < 1e15 && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value)))
        {
            json.WriteNumber(name, (long)value);
        }
        else
        {
            json.WriteNumber(name, value);
        }
    }

    /// <summary>Writes <c>notifications/message</c> with a string <c>data</c> (UT-19).</summary>
    public void WriteLogNotification(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8Level, string data, string? logger = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var json = Begin(output);
        json.WriteString(Names.Method, Names.NotificationsMessage);
        json.WritePropertyName(Names.Params);
        json.WriteStartObject();
        json.WriteString(Names.Level, utf8Level);
        if (logger is not null)
        {
            json.WriteString(Names.Logger, logger);
        }

        json.WriteString(Names.Data, data);
        json.WriteEndObject();
        End();
    }

    /// <summary>Writes <c>notifications/cancelled</c> (UT-08).</summary>
    public void WriteCancelledNotification(IBufferWriter<byte> output, RequestId requestId, string? reason = null)
    {
        var json = Begin(output);
        json.WriteString(Names.Method, Names.NotificationsCancelled);
        json.WritePropertyName(Names.Params);
        json.WriteStartObject();
        json.WritePropertyName(Names.RequestId);
        requestId.WriteTo(json);
        if (reason is not null)
        {
            json.WriteString(Names.Reason, reason);
        }

        json.WriteEndObject();
        End();
    }

    /// <summary>
    /// Writes raw JSON as a value. Raw JSON is written verbatim unless it holds a CR or LF (possible only as
    /// whitespace between tokens, since strings escape them); then it is re-emitted compactly, token by token, so
    /// the message stays on one line. Values are never rewritten, only whitespace is dropped.
    /// </summary>
    public static void WriteRawCompact(Utf8JsonWriter writer, ReadOnlySpan<byte> rawJson)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (rawJson.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            writer.WriteRawValue(rawJson, skipInputValidation: false);
            return;
        }

        var reader = new Utf8JsonReader(rawJson);
        CopyTokens(ref reader, writer);
    }

    /// <summary>Writes a raw JSON value held in a sequence (for example a slice of a parsed message).</summary>
    public static void WriteRawCompact(Utf8JsonWriter writer, in ReadOnlySequence<byte> rawJson)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (rawJson.IsSingleSegment)
        {
            WriteRawCompact(writer, rawJson.FirstSpan);
            return;
        }

        if (rawJson.PositionOf((byte)'\n') is null && rawJson.PositionOf((byte)'\r') is null)
        {
            writer.WriteRawValue(rawJson, skipInputValidation: false);
            return;
        }

        var reader = new Utf8JsonReader(rawJson);
        CopyTokens(ref reader, writer);
    }

    private static void CopyTokens(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (!reader.Read())
        {
            throw new JsonException(Strings.RawJsonInvalid);
        }

        var depth = reader.CurrentDepth;
        WriteToken(ref reader, writer);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        while (reader.Read())
        {
            WriteToken(ref reader, writer);
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == depth)
            {
                return;
            }
        }
    }

    private static void WriteToken(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName:
                WriteRawPropertyName(ref reader, writer);
                break;
            default:
                // Primitives keep their bytes: numbers and string escapes exactly as they were.
                WriteRawPrimitive(ref reader, writer);
                break;
        }
    }

    private static void WriteRawPrimitive(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            // Keep the escaped form exactly as it was.
            var quoted = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
            var buffer = new byte[quoted.Length + 2];
            buffer[0] = (byte)'"';
            quoted.CopyTo(buffer, 1);
            buffer[^1] = (byte)'"';
            writer.WriteRawValue(buffer, skipInputValidation: true);
            return;
        }

        writer.WriteRawValue(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, skipInputValidation: true);
    }

    private static void WriteRawPropertyName(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (reader.ValueIsEscaped)
        {
            writer.WritePropertyName(reader.GetString()!);
        }
        else
        {
            writer.WritePropertyName(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }
    }

    /// <summary>Releases the JSON writer. Anything pending from a message that threw half-way is discarded.</summary>
    public void Dispose()
    {
        // Detach from the last output first: Dispose flushes, and that output may already be gone.
        _json.Reset(Stream.Null);
        _json.Dispose();
    }
}

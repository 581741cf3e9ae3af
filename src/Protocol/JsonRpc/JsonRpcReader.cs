using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// Reads JSON-RPC 2.0 messages and batches straight from UTF-8 bytes with <see cref="Utf8JsonReader"/>, in one pass,
/// without a DOM or an intermediate string of the body. Pure: no I/O, no awaits. Bad input never throws; it comes
/// back as a <see cref="JsonRpcReadError"/>.
/// </summary>
public static partial class JsonRpcReader
{
    /// <summary>Reads one message or a batch.</summary>
    public static JsonRpcPayload Read(ReadOnlyMemory<byte> input, JsonRpcReaderOptions? options = null)
        => Read(new ReadOnlySequence<byte>(input), options);

    /// <summary>Reads one message or a batch from a single- or multi-segment sequence.</summary>
    public static JsonRpcPayload Read(in ReadOnlySequence<byte> input, JsonRpcReaderOptions? options = null)
    {
        options ??= JsonRpcReaderOptions.Default;

        // Limits first, by slicing rather than scanning: nothing past the limit is looked at.
        if (input.Length > options.MaxMessageBytes)
        {
            return Body(JsonRpcReadErrorReason.MessageTooLarge, options.MaxMessageBytes.ToString(CultureInfo.InvariantCulture));
        }

        if (StartsWithBom(input))
        {
            return Body(JsonRpcReadErrorReason.ByteOrderMark);
        }

        // Utf8JsonReader does not check UTF-8 inside strings; one vectorized pass over the body does (TR-02).
        if (!Utf8Validation.IsValid(input))
        {
            return Body(JsonRpcReadErrorReason.InvalidUtf8);
        }

        var reader = new Utf8JsonReader(input, new JsonReaderOptions
        {
            // Our own depth check fires first and names the configured limit.
            MaxDepth = options.MaxDepth + 2,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });

        try
        {
            if (!reader.Read())
            {
                return Body(JsonRpcReadErrorReason.EmptyBody);
            }

            JsonRpcPayload payload;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    payload = new JsonRpcPayload(ReadObject(ref reader, input, options));
                    break;
                case JsonTokenType.StartArray:
                    if (!options.AllowBatches)
                    {
                        SkipValue(ref reader, options.MaxDepth);
                        payload = Body(JsonRpcReadErrorReason.BatchNotAllowed);
                        break;
                    }

                    payload = ReadBatch(ref reader, input, options);
                    break;
                default:
                    SkipValue(ref reader, options.MaxDepth);
                    payload = new JsonRpcPayload(new JsonRpcReadResult(new JsonRpcReadError(JsonRpcReadErrorReason.NotAnObject)));
                    break;
            }

            // Anything after the value is malformed JSON, whatever the value was (-32700 wins over -32600).
            if (reader.Read())
            {
                return Body(JsonRpcReadErrorReason.MalformedJson);
            }

            return payload;
        }
        catch (JsonException e)
        {
            return Body(JsonRpcReadErrorReason.MalformedJson, string.Create(CultureInfo.InvariantCulture, $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}"));
        }
        catch (LimitExceededException e)
        {
            return Body(e.Reason, e.Detail);
        }
        catch (InvalidEscapeException)
        {
            return Body(JsonRpcReadErrorReason.InvalidStringEscape);
        }
    }

    /// <summary>
    /// Reads exactly one message (no batch). Returns false with an error when the body is refused or the message is
    /// invalid; the error's id is set when the message's id could be read.
    /// </summary>
    public static bool TryReadMessage(in ReadOnlySequence<byte> input, out JsonRpcMessage message, out JsonRpcReadError error, JsonRpcReaderOptions? options = null)
    {
        options ??= JsonRpcReaderOptions.Default;
        if (options.AllowBatches)
        {
            options = new JsonRpcReaderOptions
            {
                AllowBatches = false,
                MaxDepth = options.MaxDepth,
                MaxMessageBytes = options.MaxMessageBytes,
                MaxBatchLength = options.MaxBatchLength,
            };
        }

        var payload = Read(input, options);
        if (payload.HasBodyError)
        {
            message = default;
            error = payload.BodyError;
            return false;
        }

        var single = payload.Single;
        message = single.Message;
        error = single.Error;
        return single.IsValid;
    }

    private static JsonRpcPayload Body(JsonRpcReadErrorReason reason, string? detail = null)
        => new(new JsonRpcReadError(reason, default, detail));

    private static bool StartsWithBom(in ReadOnlySequence<byte> input)
    {
        if (input.Length < 3)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[3];
        input.Slice(0, 3).CopyTo(head);
        return head.SequenceEqual("\uFEFF"u8);
    }

    private static JsonRpcPayload ReadBatch(ref Utf8JsonReader reader, in ReadOnlySequence<byte> source, JsonRpcReaderOptions options)
    {
        Debug.Assert(reader.TokenType == JsonTokenType.StartArray);
        var results = new List<JsonRpcReadResult>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (results.Count == options.MaxBatchLength)
            {
                throw new LimitExceededException(JsonRpcReadErrorReason.BatchTooLarge, options.MaxBatchLength.ToString(CultureInfo.InvariantCulture));
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                CheckDepth(ref reader, options.MaxDepth);
                results.Add(ReadObject(ref reader, source, options));
            }
            else
            {
                // Each element is judged on its own: a non-object element is one invalid request.
                SkipValue(ref reader, options.MaxDepth);
                results.Add(new JsonRpcReadResult(new JsonRpcReadError(JsonRpcReadErrorReason.NotAnObject)));
            }
        }

        if (results.Count == 0)
        {
            return Body(JsonRpcReadErrorReason.EmptyBatch);
        }

        return new JsonRpcPayload(results.ToArray());
    }

    private static void CheckDepth(ref Utf8JsonReader reader, int maxDepth)
    {
        // CurrentDepth of a start token is the depth of its container; the value itself nests one deeper.
        if (reader.CurrentDepth + 1 > maxDepth)
        {
            throw new LimitExceededException(JsonRpcReadErrorReason.DepthLimitExceeded, maxDepth.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Skips the current value, checking the depth limit on the way.</summary>
    private static void SkipValue(ref Utf8JsonReader reader, int maxDepth)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        CheckDepth(ref reader, maxDepth);
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                CheckDepth(ref reader, maxDepth);
            }
        }
    }

    /// <summary>Skips the current value and returns where it lies in the source.</summary>
    private static JsonSlice SkipAndSlice(ref Utf8JsonReader reader, int maxDepth)
    {
        var start = reader.TokenStartIndex;
        SkipValue(ref reader, maxDepth);
        return new JsonSlice((int)start, (int)(reader.BytesConsumed - start));
    }

    private static string GetStringChecked(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InvalidEscapeException();
        }
    }

    /// <summary>Checks that an escaped string unescapes to valid Unicode, without allocating for short values.</summary>
    private static void ValidateEscapes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return;
        }

        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= 256)
        {
            Span<byte> scratch = stackalloc byte[256];
            try
            {
                reader.CopyString(scratch);
            }
            catch (InvalidOperationException)
            {
                throw new InvalidEscapeException();
            }
        }
        else
        {
            GetStringChecked(ref reader);
        }
    }

    /// <summary>Copies a short string value, unescaped, into <paramref name="destination"/>; -1 when it does not fit.</summary>
    private static int CopyShortString(ref Utf8JsonReader reader, scoped Span<byte> destination)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var span = reader.ValueSpan;
            if (span.Length > destination.Length)
            {
                return -1;
            }

            span.CopyTo(destination);
            return span.Length;
        }

        var raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (raw > destination.Length)
        {
            // Escaped text is never shorter than its value, but the value may still fit; take the slow path.
            var text = GetStringChecked(ref reader);
            var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
            return max <= destination.Length || System.Text.Encoding.UTF8.GetByteCount(text) <= destination.Length
                ? System.Text.Encoding.UTF8.GetBytes(text, destination)
                : -1;
        }

        try
        {
            return reader.CopyString(destination);
        }
        catch (InvalidOperationException)
        {
            throw new InvalidEscapeException();
        }
    }

    /// <summary>Thrown inside the reader for limits; caught in <see cref="Read(in ReadOnlySequence{byte}, JsonRpcReaderOptions?)"/>.</summary>
    private sealed class LimitExceededException(JsonRpcReadErrorReason reason, string detail) : Exception
    {
        public JsonRpcReadErrorReason Reason { get; } = reason;

        public string Detail { get; } = detail;
    }

    /// <summary>Thrown inside the reader for a string escape that is not valid Unicode.</summary>
    private sealed class InvalidEscapeException : Exception;
}

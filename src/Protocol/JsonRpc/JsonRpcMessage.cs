using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// One parsed JSON-RPC message. <c>params</c>, <c>result</c> and <c>error.data</c> stay raw: they are slices of the
/// source bytes, read lazily and typed later. The slices are valid while the source buffer is; call
/// <see cref="Detach"/> to keep a message beyond that.
/// </summary>
[DebuggerDisplay("{Kind} {MethodName} id={Id}")]
public readonly partial struct JsonRpcMessage
{
    private readonly ReadOnlySequence<byte> _source;
    private readonly JsonSlice _params;
    private readonly JsonSlice _result;
    private readonly JsonSlice _errorData;

    internal JsonRpcMessage(
        ReadOnlySequence<byte> source,
        JsonRpcMessageKind kind,
        RequestId id,
        McpMethod method,
        string? methodName,
        JsonSlice @params,
        JsonSlice result,
        int errorCode,
        string? errorMessage,
        JsonSlice errorData,
        RequestEnvelope envelope)
    {
        _source = source;
        Kind = kind;
        Id = id;
        Method = method;
        MethodName = methodName;
        _params = @params;
        _result = result;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        _errorData = errorData;
        Envelope = envelope;
    }

    /// <summary>Request, notification, response or error response.</summary>
    public JsonRpcMessageKind Kind { get; }

    /// <summary>The id, exactly as sent; <see cref="RequestId.None"/> for notifications and for error responses with a null id.</summary>
    public RequestId Id { get; }

    /// <summary>The method when it is one this library knows; otherwise <see cref="McpMethod.Unknown"/>.</summary>
    public McpMethod Method { get; }

    /// <summary>The method name of a request or notification (a shared constant for known methods); null for responses.</summary>
    public string? MethodName { get; }

    /// <summary>Whether this is a request or a notification.</summary>
    public bool IsRequestOrNotification => Kind is JsonRpcMessageKind.Request or JsonRpcMessageKind.Notification;

    /// <summary>Whether <c>params</c> is present.</summary>
    public bool HasParams => _params.IsPresent;

    /// <summary>The raw bytes of <c>params</c> (an object or an array), or empty when absent.</summary>
    public ReadOnlySequence<byte> Params => Slice(_params);

    /// <summary>The raw bytes of <c>result</c>, or empty when absent.</summary>
    public ReadOnlySequence<byte> Result => Slice(_result);

    /// <summary>Whether <c>error.data</c> is present.</summary>
    public bool HasErrorData => _errorData.IsPresent;

    /// <summary>The error code of an error response.</summary>
    public int ErrorCode { get; }

    /// <summary>The error message of an error response.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The raw bytes of <c>error.data</c>, or empty when absent.</summary>
    public ReadOnlySequence<byte> ErrorData => Slice(_errorData);

    /// <summary>What the reader found in <c>params</c> on the way: the <c>_meta</c> envelope, <c>name</c> and <c>uri</c>.</summary>
    public RequestEnvelope Envelope { get; }

    /// <summary>
    /// Returns a reader positioned before <c>params</c> (call <see cref="Utf8JsonReader.Read"/> first), for a lazy typed read.
    /// </summary>
    public Utf8JsonReader CreateParamsReader() => new(Params);

    /// <summary>Returns a reader positioned before <c>result</c>.</summary>
    public Utf8JsonReader CreateResultReader() => new(Result);

    /// <summary>Deserializes <c>params</c> with source-generated metadata; returns default when absent.</summary>
    public T? DeserializeParams<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (!_params.IsPresent)
        {
            return default;
        }

        var reader = CreateParamsReader();
        return JsonSerializer.Deserialize(ref reader, typeInfo);
    }

    /// <summary>Deserializes <c>result</c> with source-generated metadata; returns default when absent.</summary>
    public T? DeserializeResult<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (!_result.IsPresent)
        {
            return default;
        }

        var reader = CreateResultReader();
        return JsonSerializer.Deserialize(ref reader, typeInfo);
    }

    /// <summary>
    /// Returns a copy of this message that owns its bytes (one array holding the whole message), so it stays valid
    /// after the source buffer is released.
    /// </summary>
    public JsonRpcMessage Detach()
    {
        if (_source.IsEmpty)
        {
            return this;
        }

        // Copy only the span that covers every slice; slices keep their offsets relative to the new start.
        var start = long.MaxValue;
        var end = 0L;
        Cover(_params, ref start, ref end);
        Cover(_result, ref start, ref end);
        Cover(_errorData, ref start, ref end);
        Envelope.Cover(ref start, ref end);
        if (start == long.MaxValue)
        {
            return new JsonRpcMessage(default, Kind, Id, Method, MethodName, default, default, ErrorCode, ErrorMessage, default, default);
        }

        var copy = new ReadOnlySequence<byte>(_source.Slice(start, end - start).ToArray());
        return new JsonRpcMessage(
            copy, Kind, Id, Method, MethodName,
            Shift(_params, start), Shift(_result, start), ErrorCode, ErrorMessage, Shift(_errorData, start),
            Envelope.Rebase(copy, start));
    }

    private ReadOnlySequence<byte> Slice(JsonSlice slice) => slice.IsPresent ? _source.Slice(slice.Start, slice.Length) : default;

    internal static void Cover(JsonSlice slice, ref long start, ref long end)
    {
        if (slice.IsPresent)
        {
            start = Math.Min(start, slice.Start);
            end = Math.Max(end, slice.Start + slice.Length);
        }
    }

    internal static JsonSlice Shift(JsonSlice slice, long by) => slice.IsPresent ? new JsonSlice(slice.Start - (int)by, slice.Length) : default;
}

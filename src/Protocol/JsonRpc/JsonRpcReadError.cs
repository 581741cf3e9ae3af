using System.Globalization;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// The reader's typed error: a reason, the JSON-RPC code it maps to, a message that says what was wrong
/// (never more than a short prefix of the input), and the request id when it could be read (JR-08).
/// </summary>
public readonly struct JsonRpcReadError
{
    private readonly string? _detail;

    internal JsonRpcReadError(JsonRpcReadErrorReason reason, RequestId id = default, string? detail = null)
    {
        Reason = reason;
        Id = id;
        _detail = detail;
    }

    /// <summary>Why the input was refused.</summary>
    public JsonRpcReadErrorReason Reason { get; }

    /// <summary>The id of the offending message when it could be read; otherwise <see cref="RequestId.None"/>.</summary>
    public RequestId Id { get; }

    /// <summary>The JSON-RPC error code: -32700 when the bytes are not JSON, otherwise -32600.</summary>
    public int Code => IsParseError(Reason) ? JsonRpcErrorCode.ParseError
        : Reason == JsonRpcReadErrorReason.NullParams ? JsonRpcErrorCode.InvalidParams
        : JsonRpcErrorCode.InvalidRequest;

    /// <summary>Whether the whole body was refused (as opposed to one message of a valid body).</summary>
    public bool IsBodyError => Reason is <= JsonRpcReadErrorReason.BatchNotAllowed and not JsonRpcReadErrorReason.None;

    /// <summary>A one-sentence description of what was wrong.</summary>
    public string Message => Reason switch
    {
        JsonRpcReadErrorReason.EmptyBody => Strings.EmptyBody,
        JsonRpcReadErrorReason.MalformedJson => _detail is null ? Strings.MalformedJson : Strings.Format(Strings.MalformedJsonAt, _detail),
        JsonRpcReadErrorReason.InvalidUtf8 => Strings.InvalidUtf8,
        JsonRpcReadErrorReason.ByteOrderMark => Strings.ByteOrderMark,
        JsonRpcReadErrorReason.InvalidStringEscape => Strings.InvalidStringEscape,
        JsonRpcReadErrorReason.MessageTooLarge => Strings.Format(Strings.MessageTooLarge, _detail),
        JsonRpcReadErrorReason.DepthLimitExceeded => Strings.Format(Strings.DepthLimitExceeded, _detail),
        JsonRpcReadErrorReason.EmptyBatch => Strings.EmptyBatch,
        JsonRpcReadErrorReason.BatchTooLarge => Strings.Format(Strings.BatchTooLarge, _detail),
        JsonRpcReadErrorReason.BatchNotAllowed => Strings.BatchNotAllowed,
        JsonRpcReadErrorReason.NotAnObject => Strings.NotAnObject,
        JsonRpcReadErrorReason.MissingVersion => Strings.MissingVersion,
        JsonRpcReadErrorReason.InvalidVersion => Strings.InvalidVersion,
        JsonRpcReadErrorReason.DuplicateMember => Strings.Format(Strings.DuplicateMember, _detail),
        JsonRpcReadErrorReason.InvalidId => Strings.InvalidId,
        JsonRpcReadErrorReason.NullRequestId => Strings.NullRequestId,
        JsonRpcReadErrorReason.InvalidMethod => Strings.InvalidMethod,
        JsonRpcReadErrorReason.InvalidParams => Strings.InvalidParamsMember,
        JsonRpcReadErrorReason.NullParams => Strings.NullParams,
        JsonRpcReadErrorReason.RequestWithResult => Strings.RequestWithResult,
        JsonRpcReadErrorReason.ResultAndError => Strings.ResultAndError,
        JsonRpcReadErrorReason.NoMethodResultOrError => Strings.NoMethodResultOrError,
        JsonRpcReadErrorReason.ResponseWithoutId => Strings.ResponseWithoutId,
        JsonRpcReadErrorReason.InvalidErrorObject => Strings.InvalidErrorObject,
        _ => string.Empty,
    };

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Code}: {Message}");

    private static bool IsParseError(JsonRpcReadErrorReason reason)
        => reason is JsonRpcReadErrorReason.EmptyBody or JsonRpcReadErrorReason.MalformedJson or JsonRpcReadErrorReason.InvalidUtf8
            or JsonRpcReadErrorReason.ByteOrderMark or JsonRpcReadErrorReason.InvalidStringEscape;
}

using System.Globalization;

namespace Mcp.Raw.Protocol;

/// <summary>Every message this assembly produces, in one place (English only).</summary>
internal static class Strings
{
    public const string AdvancedTooFar = "Cannot advance past the end of the buffer.";
    public const string InvalidSseField = "The SSE {0} must not contain CR, LF or NUL characters.";
    public const string RequestIdNotString = "The request id is not a string.";
    public const string RequestIdNotInteger = "The text is not a JSON integer.";

    public const string EmptyBody = "Parse error: the body is empty.";
    public const string MalformedJson = "Parse error: the body is not well-formed JSON.";
    public const string MalformedJsonAt = "Parse error: the body is not well-formed JSON ({0}).";
    public const string InvalidUtf8 = "Parse error: the body is not valid UTF-8.";
    public const string ByteOrderMark = "Parse error: JSON text must not start with a byte order mark.";
    public const string InvalidStringEscape = "Parse error: a string contains an escape that is not valid Unicode.";
    public const string MessageTooLarge = "Invalid request: the message is larger than the limit of {0} bytes.";
    public const string DepthLimitExceeded = "Invalid request: the JSON nests deeper than the limit of {0}.";
    public const string EmptyBatch = "Invalid request: the batch is empty.";
    public const string BatchTooLarge = "Invalid request: the batch has more than {0} messages.";
    public const string BatchNotAllowed = "Invalid request: JSON-RPC batches are not supported in this protocol version; send one message per request.";
    public const string NotAnObject = "Invalid request: a JSON-RPC message must be a JSON object.";
    public const string MissingVersion = "Invalid request: the 'jsonrpc' member is missing.";
    public const string InvalidVersion = "Invalid request: 'jsonrpc' must be the string \"2.0\".";
    public const string DuplicateMember = "Invalid request: the member '{0}' appears more than once.";
    public const string InvalidId = "Invalid request: 'id' must be a string or an integer.";
    public const string NullRequestId = "Invalid request: a request 'id' must not be null.";
    public const string InvalidMethod = "Invalid request: 'method' must be a string.";
    public const string InvalidParamsMember = "Invalid request: 'params' must be an object or an array.";
    public const string NullParams = "Invalid params: 'params' is null; omit it or send an object.";
    public const string RequestWithResult = "Invalid request: a message with 'method' must not carry 'result' or 'error'.";
    public const string ResultAndError = "Invalid request: a response must not carry both 'result' and 'error'.";
    public const string NoMethodResultOrError = "Invalid request: the message has no 'method', 'result' or 'error'.";
    public const string ResponseWithoutId = "Invalid request: a response must carry the string or integer 'id' of its request.";
    public const string InvalidErrorObject = "Invalid request: 'error' must be an object with an integer 'code' and a string 'message'.";

    public const string SseEventTooLarge = "The SSE event is larger than the limit of {0} bytes.";
    public const string SseLineTooLong = "The SSE line is longer than the limit of {0} bytes.";
    public const string RawJsonInvalid = "The raw JSON value is not well-formed.";

    public static string Format(string format, object? arg0) => string.Format(CultureInfo.InvariantCulture, format, arg0);

    public static string Format(string format, object? arg0, object? arg1) => string.Format(CultureInfo.InvariantCulture, format, arg0, arg1);
}

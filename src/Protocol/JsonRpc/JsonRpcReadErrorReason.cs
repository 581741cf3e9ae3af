namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>Why the reader refused a body or a message. Mapped to a code and a message in one place: <see cref="JsonRpcReadError"/>.</summary>
public enum JsonRpcReadErrorReason : byte
{
    /// <summary>No error.</summary>
    None = 0,

    // -32700: the bytes are not JSON.

    /// <summary>The body is empty or only whitespace.</summary>
    EmptyBody,

    /// <summary>The body is not well-formed JSON (including a truncated body).</summary>
    MalformedJson,

    /// <summary>The body is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The body starts with a byte order mark, which JSON text must not carry.</summary>
    ByteOrderMark,

    /// <summary>A string holds an escape that is not valid Unicode (an unpaired surrogate).</summary>
    InvalidStringEscape,

    // -32600: JSON, but not a valid JSON-RPC message.

    /// <summary>The body is larger than the configured limit.</summary>
    MessageTooLarge,

    /// <summary>The JSON nests deeper than the configured limit.</summary>
    DepthLimitExceeded,

    /// <summary>The body is an empty array.</summary>
    EmptyBatch,

    /// <summary>The body is an array with more elements than the configured limit.</summary>
    BatchTooLarge,

    /// <summary>The body is an array, and batches are not accepted here.</summary>
    BatchNotAllowed,

    /// <summary>The message (or a batch element) is not a JSON object.</summary>
    NotAnObject,

    /// <summary><c>jsonrpc</c> is missing.</summary>
    MissingVersion,

    /// <summary><c>jsonrpc</c> is not the string <c>"2.0"</c>.</summary>
    InvalidVersion,

    /// <summary>A member appears twice.</summary>
    DuplicateMember,

    /// <summary><c>id</c> is not a string or an integer.</summary>
    InvalidId,

    /// <summary><c>id</c> is null on a request (MCP forbids it, JR-02).</summary>
    NullRequestId,

    /// <summary><c>method</c> is not a string.</summary>
    InvalidMethod,

    /// <summary><c>params</c> is neither an object nor an array.</summary>
    InvalidParams,

    /// <summary>A message with <c>method</c> also carries <c>result</c> or <c>error</c>.</summary>
    RequestWithResult,

    /// <summary>A message without <c>method</c> has both <c>result</c> and <c>error</c>.</summary>
    ResultAndError,

    /// <summary>A message has none of <c>method</c>, <c>result</c>, <c>error</c>.</summary>
    NoMethodResultOrError,

    /// <summary>A result response has no usable <c>id</c>.</summary>
    ResponseWithoutId,

    /// <summary><c>error</c> is not an object with an integer <c>code</c> and a string <c>message</c>.</summary>
    InvalidErrorObject,

    /// <summary><c>params</c> is an explicit <c>null</c>: answered with -32602 (invalid params), never -32603.</summary>
    NullParams,
}

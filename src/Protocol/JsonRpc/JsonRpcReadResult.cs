namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>One message of a body: either a valid <see cref="Message"/> or an <see cref="Error"/>.</summary>
public readonly struct JsonRpcReadResult
{
    internal JsonRpcReadResult(in JsonRpcMessage message)
    {
        Message = message;
        IsValid = true;
    }

    internal JsonRpcReadResult(JsonRpcReadError error) => Error = error;

    /// <summary>Whether the message is valid.</summary>
    public bool IsValid { get; }

    /// <summary>The message, when valid.</summary>
    public JsonRpcMessage Message { get; }

    /// <summary>The error, when not valid; its <see cref="JsonRpcReadError.Id"/> is set when the id could be read.</summary>
    public JsonRpcReadError Error { get; }
}

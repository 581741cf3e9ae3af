using System.Text.Json;

namespace Mcp.Raw.Server;

/// <summary>
/// Thrown by a handler to answer with a JSON-RPC error rather than a result: the code, the message and optional
/// <c>data</c> go to the client as they are. Any other exception from a tool becomes an <c>isError</c> result (SV-09).
/// </summary>
public class McpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpException(int code, string message, JsonElement? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    /// <summary>Creates the exception.</summary>
    public McpException()
        : this(Protocol.JsonRpc.JsonRpcErrorCode.InternalError, "Internal error.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public McpException(string message)
        : this(Protocol.JsonRpc.JsonRpcErrorCode.InternalError, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public McpException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = Protocol.JsonRpc.JsonRpcErrorCode.InternalError;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>The JSON-RPC error's <c>data</c>, if any.</summary>
    public JsonElement? ErrorData { get; }
}

/// <summary>
/// The request needs a client capability the client did not declare (SV-29, M-MR-05): a 2026-07-28 request gets
/// <c>-32021</c> with <c>data.requiredCapabilities</c>; a 2025 tool call gets an <c>isError</c> result saying so.
/// </summary>
public sealed class McpMissingCapabilityException : McpException
{
    /// <summary>Creates the exception for one capability name (<c>sampling</c>, <c>elicitation</c>, <c>roots</c>).</summary>
    public McpMissingCapabilityException(string capability)
        : base(Protocol.JsonRpc.JsonRpcErrorCode.MissingRequiredClientCapability, $"This request needs the client capability '{capability}', which the client did not declare.")
    {
        Capability = capability;
    }

    /// <summary>Creates the exception.</summary>
    public McpMissingCapabilityException()
        : this("unknown")
    {
    }

    /// <summary>Creates the exception.</summary>
    public McpMissingCapabilityException(string message, Exception innerException)
        : base(message, innerException)
    {
        Capability = "unknown";
    }

    /// <summary>The capability the request needs.</summary>
    public string Capability { get; }
}

/// <summary>
/// Thrown by a tool to fail with an <c>isError</c> result whose text the client sees: "Tool 'x' failed: message".
/// Any other unexpected exception shows the client only that the tool failed (see
/// <see cref="McpServerOptions.IncludeExceptionDetails"/>).
/// </summary>
public class McpToolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpToolException()
    {
    }

    /// <summary>Creates the exception with the message the client sees.</summary>
    public McpToolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message the client sees and its cause (not shown).</summary>
    public McpToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// JSON-RPC 2.0 and MCP error codes. JSON-RPC reserves -32768..-32000 (https://www.jsonrpc.org/specification#error_object);
/// MCP 2026-07-28 leaves -32000..-32019 to implementations and reserves -32020..-32099 for the specification.
/// </summary>
public static class JsonRpcErrorCode
{
    /// <summary>Invalid JSON was received (JR-10).</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON is not a valid request object (JR-10).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist or is not available (JR-10).</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Invalid method parameters (JR-10).</summary>
    public const int InvalidParams = -32602;

    /// <summary>Internal error (JR-10).</summary>
    public const int InternalError = -32603;

    /// <summary>Generic transport error, by convention of the reference SDKs (JR-11, CONV).</summary>
    public const int ConnectionClosed = -32000;

    /// <summary>Session not found, by convention of the TypeScript transport (JR-11, CONV).</summary>
    public const int SessionNotFound = -32001;

    /// <summary>Resource not found, up to 2025-11-25 (JR-11; replaced by -32602 in 2026-07-28).</summary>
    public const int ResourceNotFound = -32002;

    /// <summary>A header disagrees with the body or is missing (2026-07-28, M-VR-05).</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>Handling needs a client capability the request did not declare (2026-07-28, M-VR-07).</summary>
    public const int MissingRequiredClientCapability = -32021;

    /// <summary>The requested protocol version is not supported (2026-07-28, M-VR-02).</summary>
    public const int UnsupportedProtocolVersion = -32022;

    /// <summary>URL-mode elicitation is required (2025-11-25 only, CL-09).</summary>
    public const int UrlElicitationRequired = -32042;

    /// <summary>The user rejected a sampling request (client side, CL-02).</summary>
    public const int UserRejected = -1;
}

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>Reserved <c>_meta</c> keys (M-RQ-07, JR-16).</summary>
public static class MetaKeys
{
    /// <summary><c>progressToken</c></summary>
    public const string ProgressToken = "progressToken";

    /// <summary><c>io.modelcontextprotocol/protocolVersion</c></summary>
    public const string ProtocolVersion = "io.modelcontextprotocol/protocolVersion";

    /// <summary><c>io.modelcontextprotocol/clientInfo</c></summary>
    public const string ClientInfo = "io.modelcontextprotocol/clientInfo";

    /// <summary><c>io.modelcontextprotocol/clientCapabilities</c></summary>
    public const string ClientCapabilities = "io.modelcontextprotocol/clientCapabilities";

    /// <summary><c>io.modelcontextprotocol/logLevel</c></summary>
    public const string LogLevel = "io.modelcontextprotocol/logLevel";

    /// <summary><c>io.modelcontextprotocol/serverInfo</c></summary>
    public const string ServerInfo = "io.modelcontextprotocol/serverInfo";

    /// <summary><c>io.modelcontextprotocol/subscriptionId</c></summary>
    public const string SubscriptionId = "io.modelcontextprotocol/subscriptionId";
}

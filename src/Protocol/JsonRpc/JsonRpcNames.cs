namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>Property names and fixed values as UTF-8 literals, matched with <c>ValueTextEquals</c> and written without transcoding.</summary>
public static class JsonRpcNames
{
    /// <summary><c>jsonrpc</c></summary>
    public static ReadOnlySpan<byte> JsonRpc => "jsonrpc"u8;

    /// <summary><c>2.0</c></summary>
    public static ReadOnlySpan<byte> Version => "2.0"u8;

    /// <summary><c>id</c></summary>
    public static ReadOnlySpan<byte> Id => "id"u8;

    /// <summary><c>method</c></summary>
    public static ReadOnlySpan<byte> Method => "method"u8;

    /// <summary><c>params</c></summary>
    public static ReadOnlySpan<byte> Params => "params"u8;

    /// <summary><c>result</c></summary>
    public static ReadOnlySpan<byte> Result => "result"u8;

    /// <summary><c>error</c></summary>
    public static ReadOnlySpan<byte> Error => "error"u8;

    /// <summary><c>code</c></summary>
    public static ReadOnlySpan<byte> Code => "code"u8;

    /// <summary><c>message</c></summary>
    public static ReadOnlySpan<byte> Message => "message"u8;

    /// <summary><c>data</c></summary>
    public static ReadOnlySpan<byte> Data => "data"u8;

    /// <summary><c>_meta</c></summary>
    public static ReadOnlySpan<byte> Meta => "_meta"u8;

    /// <summary><c>name</c></summary>
    public static ReadOnlySpan<byte> Name => "name"u8;

    /// <summary><c>uri</c></summary>
    public static ReadOnlySpan<byte> Uri => "uri"u8;

    /// <summary><c>arguments</c></summary>
    public static ReadOnlySpan<byte> Arguments => "arguments"u8;

    /// <summary><c>inputResponses</c> (2026-07-28 MRTR)</summary>
    public static ReadOnlySpan<byte> InputResponses => "inputResponses"u8;

    /// <summary><c>requestState</c> (2026-07-28 MRTR)</summary>
    public static ReadOnlySpan<byte> RequestState => "requestState"u8;

    /// <summary><c>progressToken</c></summary>
    public static ReadOnlySpan<byte> ProgressToken => "progressToken"u8;

    /// <summary><c>progress</c></summary>
    public static ReadOnlySpan<byte> Progress => "progress"u8;

    /// <summary><c>total</c></summary>
    public static ReadOnlySpan<byte> Total => "total"u8;

    /// <summary><c>level</c></summary>
    public static ReadOnlySpan<byte> Level => "level"u8;

    /// <summary><c>logger</c></summary>
    public static ReadOnlySpan<byte> Logger => "logger"u8;

    /// <summary><c>requestId</c></summary>
    public static ReadOnlySpan<byte> RequestId => "requestId"u8;

    /// <summary><c>reason</c></summary>
    public static ReadOnlySpan<byte> Reason => "reason"u8;

    /// <summary><c>io.modelcontextprotocol/protocolVersion</c></summary>
    public static ReadOnlySpan<byte> MetaProtocolVersion => "io.modelcontextprotocol/protocolVersion"u8;

    /// <summary><c>io.modelcontextprotocol/clientInfo</c></summary>
    public static ReadOnlySpan<byte> MetaClientInfo => "io.modelcontextprotocol/clientInfo"u8;

    /// <summary><c>io.modelcontextprotocol/clientCapabilities</c></summary>
    public static ReadOnlySpan<byte> MetaClientCapabilities => "io.modelcontextprotocol/clientCapabilities"u8;

    /// <summary><c>io.modelcontextprotocol/logLevel</c></summary>
    public static ReadOnlySpan<byte> MetaLogLevel => "io.modelcontextprotocol/logLevel"u8;

    /// <summary><c>io.modelcontextprotocol/serverInfo</c></summary>
    public static ReadOnlySpan<byte> MetaServerInfo => "io.modelcontextprotocol/serverInfo"u8;

    /// <summary><c>io.modelcontextprotocol/subscriptionId</c></summary>
    public static ReadOnlySpan<byte> MetaSubscriptionId => "io.modelcontextprotocol/subscriptionId"u8;
}

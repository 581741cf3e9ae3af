namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>What a JSON-RPC message is.</summary>
public enum JsonRpcMessageKind : byte
{
    /// <summary>A request: <c>method</c> and <c>id</c>.</summary>
    Request = 1,

    /// <summary>A notification: <c>method</c> and no <c>id</c>.</summary>
    Notification,

    /// <summary>A response carrying <c>result</c>.</summary>
    Response,

    /// <summary>A response carrying <c>error</c>.</summary>
    ErrorResponse,
}

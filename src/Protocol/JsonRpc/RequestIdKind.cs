namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>The JSON type of a <see cref="RequestId"/>.</summary>
public enum RequestIdKind : byte
{
    /// <summary>No id (a notification, or an error response to an unreadable request).</summary>
    None,

    /// <summary>A JSON integer.</summary>
    Number,

    /// <summary>A JSON string.</summary>
    String,
}

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>The MCP protocol versions this library speaks, oldest first.</summary>
public enum McpProtocolVersion : byte
{
    /// <summary>Not a version this library knows.</summary>
    Unknown = 0,

    /// <summary>2024-11-05: the HTTP+SSE transport.</summary>
    V2024_11_05,

    /// <summary>2025-03-26: Streamable HTTP, sessions, batches.</summary>
    V2025_03_26,

    /// <summary>2025-06-18: no batches, the <c>MCP-Protocol-Version</c> header, structured tool output, elicitation.</summary>
    V2025_06_18,

    /// <summary>2025-11-25: priming events and SSE polling, URL elicitation, icons, tasks.</summary>
    V2025_11_25,

    /// <summary>2026-07-28: sessionless, the per-request <c>_meta</c> envelope, MRTR, <c>subscriptions/listen</c>.</summary>
    V2026_07_28,
}

namespace Mcp.Raw.Transport.Http;

/// <summary>HTTP header names of MCP (names compare case-insensitively, M-TR-10).</summary>
internal static class McpHeaders
{
    /// <summary><c>Mcp-Session-Id</c> (TR-48).</summary>
    public const string SessionId = "Mcp-Session-Id";

    /// <summary><c>MCP-Protocol-Version</c> (TR-61, M-TR-07).</summary>
    public const string ProtocolVersion = "MCP-Protocol-Version";

    /// <summary><c>Mcp-Method</c> (2026-07-28, M-TR-08).</summary>
    public const string Method = "Mcp-Method";

    /// <summary><c>Mcp-Name</c> (2026-07-28, M-TR-08).</summary>
    public const string Name = "Mcp-Name";

    /// <summary>The prefix of mirrored tool arguments, <c>Mcp-Param-</c> (2026-07-28).</summary>
    public const string ParamPrefix = "Mcp-Param-";

    /// <summary><c>Last-Event-ID</c> (TR-40).</summary>
    public const string LastEventId = "Last-Event-ID";

    /// <summary><c>X-Accel-Buffering</c>, set to <c>no</c> on SSE responses (M-TR-16).</summary>
    public const string AccelBuffering = "X-Accel-Buffering";
}

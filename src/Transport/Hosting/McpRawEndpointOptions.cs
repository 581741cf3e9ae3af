namespace Mcp.Raw.Transport.Hosting;

/// <summary>Options of one <c>MapMcpRaw</c> mapping; unset values come from <see cref="StreamableHttpOptions"/>.</summary>
public sealed class McpRawEndpointOptions
{
    /// <summary>
    /// The 2024-11-05 HTTP+SSE stream path, relative to the parent of the MCP pattern (<c>/mcp</c> → <c>/sse</c>,
    /// <c>/tenant/mcp</c> → <c>/tenant/sse</c>); null turns the 2024-11-05 transport off for this mapping.
    /// </summary>
    public string? HttpSse2024Path { get; set; }

    /// <summary>The 2024-11-05 message path, relative like <see cref="HttpSse2024Path"/>.</summary>
    public string HttpSse2024MessagesPath { get; set; } = "/messages";
}

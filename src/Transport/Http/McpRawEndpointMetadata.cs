namespace Mcp.Raw.Transport.Http;

/// <summary>
/// Marks an endpoint mapped by <c>MapMcpRaw</c>, so that the authorization result handler answers its refusals the
/// MCP way (Origin first, then a Bearer challenge with the resource metadata) and leaves other endpoints alone.
/// </summary>
public sealed class McpRawEndpointMetadata
{
    internal McpRawEndpointMetadata(string pattern) => Pattern = pattern;

    /// <summary>The pattern given to <c>MapMcpRaw</c>: sessions created under one mapping are unknown to another.</summary>
    public string Pattern { get; }
}

namespace Mcp.Raw.Transport;

/// <summary>Marks that <c>AddMcpRawTransport</c> ran, so that <c>MapMcpRaw</c> can say what is missing.</summary>
internal sealed class McpRawTransportMarker;

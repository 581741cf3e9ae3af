namespace Mcp.Raw.Transport;

/// <summary>
/// Marks that <c>AddMcpRawTransport</c> ran, so that <c>MapMcpRaw</c> can say what is missing, and remembers the
/// routes mapped so far, so that a second mapping that would collide fails at start with a clear message instead of
/// an ambiguous match at request time.
/// </summary>
internal sealed class McpRawTransportMarker
{
    private readonly HashSet<string> _routes = new(StringComparer.OrdinalIgnoreCase);

    public bool TryClaimRoute(string route)
    {
        lock (_routes)
        {
            return _routes.Add(route);
        }
    }
}

using Microsoft.AspNetCore.Builder;

namespace Mcp.Raw.Transport.Hosting;

/// <summary>
/// The one convention builder <c>MapMcpRaw</c> returns: every convention (<c>RequireAuthorization</c>,
/// <c>RequireCors</c>, <c>RequireRateLimiting</c>, <c>RequireHost</c>, filters, metadata) applies to every route it
/// mapped, the Streamable HTTP routes and the 2024-11-05 HTTP+SSE routes alike, the way <c>MapHub</c> does.
/// </summary>
public sealed class McpRawEndpointConventionBuilder : IEndpointConventionBuilder
{
    private readonly IEndpointConventionBuilder[] _builders;

    internal McpRawEndpointConventionBuilder(params IEndpointConventionBuilder[] builders) => _builders = builders;

    /// <inheritdoc />
    public void Add(Action<EndpointBuilder> convention)
    {
        ArgumentNullException.ThrowIfNull(convention);
        foreach (var builder in _builders)
        {
            builder.Add(convention);
        }
    }

    /// <inheritdoc />
    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        ArgumentNullException.ThrowIfNull(finallyConvention);
        foreach (var builder in _builders)
        {
            builder.Finally(finallyConvention);
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Authentication;
using Mcp.Raw.Transport.Endpoints;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Hosting;
using Mcp.Raw.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the MCP endpoint.</summary>
public static class McpRawEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the MCP endpoint at <paramref name="pattern"/>: POST, GET and DELETE for every protocol era (TR-01), 405
    /// with <c>Allow</c> for other methods (TR-04), and, unless disabled, the 2024-11-05 HTTP+SSE endpoints beside it
    /// (relative to the pattern's parent). The returned builder covers every one of those routes, so
    /// <c>RequireAuthorization()</c>, <c>RequireCors()</c>, <c>RequireRateLimiting()</c>, <c>RequireHost()</c> and
    /// filters apply to all of them. With OAuth resource metadata configured, the RFC 9728 documents are mapped too
    /// (anonymous, outside the returned builder: a client must read them before it has a token).
    /// </summary>
    /// <exception cref="InvalidOperationException">The transport or a message handler is not registered, or the 2024-11-05 paths collide with an earlier mapping.</exception>
    public static McpRawEndpointConventionBuilder MapMcpRaw(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/mcp", Action<McpRawEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var services = endpoints.ServiceProvider;
        if (services.GetService<McpRawTransportMarker>() is not { } marker)
        {
            throw new InvalidOperationException("Mcp.Raw is not registered: call services.AddMcpRawServer() (or services.AddMcpRawTransport() with your own IMcpMessageHandler) before MapMcpRaw().");
        }

        if (services.GetService<IMcpMessageHandler>() is null)
        {
            throw new InvalidOperationException("No IMcpMessageHandler is registered: call services.AddMcpRawServer() to add the Mcp.Raw server, or register your own handler.");
        }

        var options = services.GetRequiredService<IOptions<StreamableHttpOptions>>().Value;
        var mapping = new McpRawEndpointOptions { HttpSse2024Path = options.HttpSse2024Path, HttpSse2024MessagesPath = options.HttpSse2024MessagesPath };
        configure?.Invoke(mapping);

        var post = services.GetRequiredService<PostRequestHandler>();
        var get = services.GetRequiredService<GetRequestHandler>();
        var delete = services.GetRequiredService<DeleteRequestHandler>();
        var allow = options.Stateless ? "POST" : "GET, POST, DELETE";
        var metadata = new McpRawEndpointMetadata(pattern);

        var group = endpoints.MapGroup(pattern);
        group.MapPost(string.Empty, post.HandleAsync);
        group.MapGet(string.Empty, get.HandleAsync);
        group.MapDelete(string.Empty, delete.HandleAsync);
        group.MapMethods(string.Empty, ["PUT", "PATCH", "HEAD", "TRACE"], http => ErrorResponses.WriteAsync(http, RejectionReason.MethodNotAllowed, allow));
        group.WithMetadata(metadata);
        IEndpointConventionBuilder[] builders = [group];

        if (mapping.HttpSse2024Path is { } ssePath)
        {
            var parent = ParentOf(pattern);
            var sseRoute = parent + EnsureLeadingSlash(ssePath);
            var messagesRoute = parent + EnsureLeadingSlash(mapping.HttpSse2024MessagesPath);
            if (!marker.TryClaimRoute(sseRoute) || !marker.TryClaimRoute(messagesRoute))
            {
                throw new InvalidOperationException(
                    $"The 2024-11-05 HTTP+SSE routes '{sseRoute}' and '{messagesRoute}' of MapMcpRaw(\"{pattern}\") are already mapped by an earlier MapMcpRaw call. " +
                    "Give this mapping its own: MapMcpRaw(pattern, o => { o.HttpSse2024Path = \"/other-sse\"; o.HttpSse2024MessagesPath = \"/other-messages\"; }), or turn it off with o.HttpSse2024Path = null.");
            }

            var httpSse2024 = services.GetRequiredService<HttpSse2024Handler>();
            var sseSuffix = EnsureLeadingSlash(ssePath);
            var messagesSuffix = EnsureLeadingSlash(mapping.HttpSse2024MessagesPath);
            var sse = endpoints.MapGet(sseRoute, http => httpSse2024.HandleGetAsync(http, sseSuffix, messagesSuffix));
            var messages = endpoints.MapPost(messagesRoute, httpSse2024.HandlePostAsync);
            sse.WithMetadata(metadata);
            messages.WithMetadata(metadata);
            builders = [group, sse, messages];
        }

        if (services.GetService<IOptions<McpResourceMetadataOptions>>()?.Value is { Resource: not null } resource && marker.TryClaimRoute(ProtectedResourceMetadataEndpoint.RootPath))
        {
            ProtectedResourceMetadataEndpoint.Map(endpoints, resource);
        }

        var result = new McpRawEndpointConventionBuilder(builders);
        if (services.GetService<McpRawAuthenticationMarker>() is { RequireOnMap: true })
        {
            result.RequireAuthorization(McpRawAuthenticationDefaults.PolicyName);
        }

        if (services.GetService<McpRawCorsMarker>() is not null)
        {
            result.RequireCors(McpRawCors.PolicyName);
        }

        return result;
    }

    private static string ParentOf(string pattern)
    {
        var trimmed = pattern.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? string.Empty : trimmed[..slash];
    }

    private static string EnsureLeadingSlash(string path) => path.StartsWith('/') ? path : "/" + path;
}

using System.Diagnostics.CodeAnalysis;
using Mcp.Raw.Transport;
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
    /// with <c>Allow</c> for other methods (TR-04), and, unless disabled, the 2024-11-05 HTTP+SSE endpoints beside it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transport or a message handler is not registered.</exception>
    public static IEndpointConventionBuilder MapMcpRaw(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/mcp")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        if (services.GetService<McpRawTransportMarker>() is null)
        {
            throw new InvalidOperationException("Mcp.Raw is not registered: call services.AddMcpRaw() (or services.AddMcpRawTransport() with your own IMcpMessageHandler) before MapMcpRaw().");
        }

        if (services.GetService<IMcpMessageHandler>() is null)
        {
            throw new InvalidOperationException("No IMcpMessageHandler is registered: call services.AddMcpRaw() to add the Mcp.Raw server, or register your own handler.");
        }

        var options = services.GetRequiredService<IOptions<StreamableHttpOptions>>().Value;
        var post = services.GetRequiredService<PostRequestHandler>();
        var get = services.GetRequiredService<GetRequestHandler>();
        var delete = services.GetRequiredService<DeleteRequestHandler>();
        var allow = options.Stateless ? "POST" : "GET, POST, DELETE";

        var group = endpoints.MapGroup(pattern);
        group.MapPost(string.Empty, post.HandleAsync);
        group.MapGet(string.Empty, get.HandleAsync);
        group.MapDelete(string.Empty, delete.HandleAsync);
        group.MapMethods(string.Empty, ["PUT", "PATCH", "HEAD", "TRACE"], http => ErrorResponses.WriteAsync(http, RejectionReason.MethodNotAllowed, allow));

        if (options.LegacySsePath is not null)
        {
            var legacy = services.GetRequiredService<LegacySseHandler>();
            endpoints.MapGet(options.LegacySsePath, legacy.HandleGetAsync);
            endpoints.MapPost(options.LegacyMessagesPath, legacy.HandlePostAsync);
        }

        return group;
    }
}

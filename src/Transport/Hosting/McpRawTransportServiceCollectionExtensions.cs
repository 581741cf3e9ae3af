using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Endpoints;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Hosting;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MCP HTTP transport.</summary>
public static class McpRawTransportServiceCollectionExtensions
{
    /// <summary>
    /// Adds the transport: options, the in-memory session and event stores (replace them by registering your own
    /// <see cref="ISessionStore"/> / <see cref="IEventStore"/> first), and the idle-session reaper. An
    /// <see cref="IMcpMessageHandler"/> must be registered too (the server layer's <c>AddMcpRawServer</c> does it).
    /// </summary>
    public static IServiceCollection AddMcpRawTransport(this IServiceCollection services, Action<StreamableHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<StreamableHttpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<StreamableHttpOptions>, Mcp.Raw.Transport.Hosting.StreamableHttpOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<IEventStore, InMemoryEventStore>();
        services.TryAddSingleton<ISessionStore, InMemorySessionStore>();
        services.TryAddSingleton<RequestGuard>();
        services.TryAddSingleton<Mcp.Raw.Transport.Sse.KeepAliveScheduler>();
        services.TryAddSingleton<RejectionLog>();
        services.TryAddSingleton(static sp => new MessageDispatcher(sp.GetRequiredService<IMcpMessageHandler>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MessageDispatcher>>(), sp.GetService<ISessionBus>()));
        services.TryAddSingleton<PostRequestHandler>();
        services.TryAddSingleton<GetRequestHandler>();
        services.TryAddSingleton<DeleteRequestHandler>();
        services.TryAddSingleton<HttpSse2024Handler>();
        services.TryAddSingleton<McpRawTransportMarker>();
        services.AddOptions<Mcp.Raw.Transport.Authentication.McpResourceMetadataOptions>();

        // Refusals of the MCP routes: Origin before authentication, Bearer challenges with the resource metadata (A-04,
        // Other endpoints get the default behaviour through it.
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, Mcp.Raw.Transport.Authentication.McpRawAuthorizationResultHandler>();
        services.AddHostedService<SessionReaper>();
        services.AddHostedService<SessionBusRelay>();
        return services;
    }
}

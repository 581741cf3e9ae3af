using Mcp.Raw.Server;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MCP server and its transport.</summary>
public static class McpRawServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the MCP server on the Streamable HTTP transport; then register tools, prompts and resources on the
    /// returned builder and map the endpoint with <c>app.MapMcpRaw("/mcp")</c>. Calling it again composes: the same
    /// builder is returned, so what each call registers is served by the one server, and options configured by each
    /// call apply in order. A tool name registered twice fails the server's creation, naming the tool.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another <see cref="IMcpMessageHandler"/> than the server is registered.</exception>
    public static McpServerBuilder AddMcpRawServer(this IServiceCollection services, Action<McpServerOptions>? configure = null, Action<StreamableHttpOptions>? configureTransport = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMcpRawTransport(configureTransport);
        var optionsBuilder = services.AddOptions<McpServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpServerOptions>, McpServerOptionsValidator>());
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (services.FirstOrDefault(static d => d.ServiceType == typeof(McpServerBuilder) && d.ImplementationInstance is McpServerBuilder) is { } existing)
        {
            return (McpServerBuilder)existing.ImplementationInstance!;
        }

        if (services.Any(static d => d.ServiceType == typeof(IMcpMessageHandler)))
        {
            throw new InvalidOperationException("An IMcpMessageHandler is already registered; AddMcpRawServer registers McpServer as the handler. Register one or the other.");
        }

        var builder = new McpServerBuilder(services);
        services.AddSingleton(builder);
        services.TryAddSingleton(sp =>
        {
            var server = ActivatorUtilities.CreateInstance<McpServer>(sp);
            sp.GetRequiredService<McpServerBuilder>().Apply(server, sp);
            return server;
        });
        services.TryAddSingleton<IMcpMessageHandler>(sp => sp.GetRequiredService<McpServer>());
        services.AddHostedService<Mcp.Raw.Server.Features.Subscriptions.ChangeBroadcastRelay>();

        // The tasks extension's store: the bounded in-memory one unless the app registered another ITaskStore.
        services.TryAddSingleton<Mcp.Raw.Server.Tasks.ITaskStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<McpServerOptions>>().Value;
            return new Mcp.Raw.Server.Tasks.InMemoryTaskStore(options.MaxTasks, options.MaxTaskBytes, time: sp.GetService<TimeProvider>());
        });
        return builder;
    }
}

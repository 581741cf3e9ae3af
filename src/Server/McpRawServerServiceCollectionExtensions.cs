using Mcp.Raw.Server;
using Mcp.Raw.Transport;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MCP server and its transport.</summary>
public static class McpRawServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the MCP server on the Streamable HTTP transport; then register tools, prompts and resources on the
    /// returned builder and map the endpoint with <c>app.MapMcpRaw("/mcp")</c>.
    /// </summary>
    public static McpServerBuilder AddMcpRawServer(this IServiceCollection services, Action<McpServerOptions>? configure = null, Action<StreamableHttpOptions>? configureTransport = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMcpRawTransport(configureTransport);
        var optionsBuilder = services.AddOptions<McpServerOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        var builder = new McpServerBuilder(services);
        services.AddSingleton(sp =>
        {
            var server = ActivatorUtilities.CreateInstance<McpServer>(sp);
            builder.Apply(server, sp);
            return server;
        });
        services.AddSingleton<IMcpMessageHandler>(sp => sp.GetRequiredService<McpServer>());
        return builder;
    }
}

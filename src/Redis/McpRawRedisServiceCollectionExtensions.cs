using Mcp.Raw.Redis;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis stores, so that several nodes serve one set of sessions.</summary>
public static class McpRawRedisServiceCollectionExtensions
{
    /// <summary>
    /// Keeps sessions and the events of resumable streams in Redis at <paramref name="configuration"/> (a
    /// StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>) instead of in process, and relays a
    /// client's answers and cancellations to the node that waits for them (<see cref="ISessionBus"/>). Call it before
    /// or after <c>AddMcpRawServer</c> / <c>AddMcpRawTransport</c>: it replaces their in-memory stores either way.
    /// </summary>
    public static IServiceCollection AddMcpRawRedis(this IServiceCollection services, string configuration, Action<McpRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        services.AddOptions<StreamableHttpOptions>();
        var options = services.AddOptions<McpRedisOptions>().Configure(o => o.Configuration = configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(static sp => new RedisConnection(sp.GetRequiredService<IOptions<McpRedisOptions>>(), sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.RemoveAll<IEventStore>();
        services.RemoveAll<ISessionStore>();
        services.RemoveAll<ISessionBus>();
        services.AddSingleton<ISessionBus>(static sp => new RedisSessionBus(sp.GetRequiredService<RedisConnection>()));
        services.AddSingleton<IEventStore>(static sp => new RedisEventStore(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<StreamableHttpOptions>>()));
        services.AddSingleton<ISessionStore>(static sp => new RedisSessionStore(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<StreamableHttpOptions>>(), sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<ILogger<RedisSessionStore>>(), sp.GetService<TimeProvider>()));
        return services;
    }
}

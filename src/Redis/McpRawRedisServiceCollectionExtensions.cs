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
    /// StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>) instead of in process; relays a
    /// client's answers and cancellations to the node that waits for them (<see cref="ISessionBus"/>); and keeps the
    /// key ring of the MRTR <c>requestState</c> there (ASP.NET Core Data Protection), so that any node opens what
    /// another sealed. Call it before or after <c>AddMcpRawServer</c> / <c>AddMcpRawTransport</c>: it replaces their
    /// in-memory stores either way.
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

        // The MRTR key ring: a Data Protection system of its own with its keys in Redis (the app's stays the app's).
        services.RemoveAll<IMcpStateProtector>();
        services.AddSingleton<IMcpStateProtector>(static sp => new DataProtectionStateProtector(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<McpRedisOptions>>().Value));
        services.AddSingleton<ISessionBus>(static sp => new RedisSessionBus(sp.GetRequiredService<RedisConnection>()));
        services.RemoveAll<Mcp.Raw.Server.Tasks.ITaskStore>();
        services.AddSingleton<Mcp.Raw.Server.Tasks.ITaskStore>(static sp => new RedisTaskStore(sp.GetRequiredService<RedisConnection>(), sp.GetService<TimeProvider>()));
        services.RemoveAll<IChangeBroadcast>();
        services.AddSingleton<IChangeBroadcast>(static sp => new RedisChangeBroadcast(sp.GetRequiredService<RedisConnection>()));
        services.AddSingleton<IEventStore>(static sp => new RedisEventStore(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<StreamableHttpOptions>>()));
        services.AddSingleton<ISessionStore>(static sp => new RedisSessionStore(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<StreamableHttpOptions>>(), sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<ILogger<RedisSessionStore>>(), sp.GetService<TimeProvider>()));
        return services;
    }
}

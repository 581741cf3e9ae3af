using Mcp.Raw.Transport;
using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// Turns the failures a retry can overcome (Redis down, a lost connection, a timeout) into
/// <see cref="StoreUnavailableException"/>, which the transport answers with 503 and <c>Retry-After</c>. Commands
/// fail fast while Redis is away (the multiplexer keeps no backlog), and work again by themselves once it is back.
/// </summary>
internal static class RedisGuard
{
    public static async Task<T> Run<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Unavailable(e);
        }
    }

    public static async Task Run(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// A lost connection, a timeout, or a server error that passes (loading after a restart, a replica during
    /// failover, a busy script, out of memory).
    /// </summary>
    public static bool IsTransient(Exception e) => e is RedisConnectionException or RedisTimeoutException
        || (e is RedisServerException server && s_transientServerErrors.Any(p => server.Message.StartsWith(p, StringComparison.Ordinal)));

    private static readonly string[] s_transientServerErrors = ["LOADING", "READONLY", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "OOM"];

    // The message names the failure's kind only: Redis's own messages may quote the command and its keys, and a
    // session's key holds its secret id.
    private static StoreUnavailableException Unavailable(Exception e) => new("Redis cannot be reached (" + e.GetType().Name + ").");
}

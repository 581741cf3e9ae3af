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

    public static bool IsTransient(Exception e) => e is RedisConnectionException or RedisTimeoutException;

    private static StoreUnavailableException Unavailable(Exception e) => new("Redis cannot be reached: " + e.Message, e);
}

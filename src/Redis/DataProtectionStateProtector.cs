using System.Security.Cryptography;
using Mcp.Raw.Transport;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Redis;

/// <summary>
/// The MRTR <c>requestState</c> protected with ASP.NET Core Data Protection whose key ring is kept in Redis
/// (<c>{prefix}dataprotection-keys</c>): every node opens what any node sealed, and keys rotate (a new one every 90
/// days by default; the old ones still open what they sealed until it expires). The Data Protection system is this
/// store's own, apart from the app's (its cookies and antiforgery keys stay where the app put them). Its keys are
/// stored unencrypted unless <see cref="McpRedisOptions.ConfigureDataProtection"/> protects them.
/// </summary>
internal sealed class DataProtectionStateProtector : IMcpStateProtector, IDisposable
{
    private readonly ServiceProvider _services;
    private readonly IDataProtector _protector;

    public DataProtectionStateProtector(RedisConnection redis, McpRedisOptions options)
    {
        var services = new ServiceCollection();
        var builder = services.AddDataProtection()
            .SetApplicationName("mcp-raw")
            .PersistKeysToStackExchangeRedis(redis.GetDatabase, options.KeyPrefix + "dataprotection-keys");
        options.ConfigureDataProtection?.Invoke(builder);
        _services = services.BuildServiceProvider();
        _protector = _services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Mcp.Raw.RequestState.v1");
    }

    public byte[] Protect(byte[] plaintext)
    {
        try
        {
            return _protector.Protect(plaintext);
        }
        catch (Exception e) when (IsRedisAway(e))
        {
            throw new StoreUnavailableException("The request-state key ring in Redis cannot be reached.");
        }
    }

    public byte[]? Unprotect(byte[] protectedData)
    {
        try
        {
            return _protector.Unprotect(protectedData);
        }
        catch (Exception e) when (IsRedisAway(e))
        {
            // The key ring could not be read: a 503 to retry, not a state called tampered.
            throw new StoreUnavailableException("The request-state key ring in Redis cannot be reached.");
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public void Dispose() => _services.Dispose();

    private static bool IsRedisAway(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (RedisGuard.IsTransient(inner))
            {
                return true;
            }
        }

        return false;
    }
}

using System.Security.Cryptography;
using Mcp.Raw.Transport;
using Microsoft.AspNetCore.DataProtection;

namespace Mcp.Raw.Redis;

/// <summary>
/// The MRTR <c>requestState</c> protected with ASP.NET Core Data Protection, whose key ring <see cref="Microsoft.Extensions.DependencyInjection.McpRawRedisServiceCollectionExtensions.AddMcpRawRedis"/>
/// keeps in Redis: every node opens what any node sealed, and keys rotate (a new one every 90 days by default; the
/// old ones still open what they sealed until it expires).
/// </summary>
internal sealed class DataProtectionStateProtector(IDataProtectionProvider provider) : IMcpStateProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Mcp.Raw.RequestState.v1");

    public byte[] Protect(byte[] plaintext) => _protector.Protect(plaintext);

    public byte[]? Unprotect(byte[] protectedData)
    {
        try
        {
            return _protector.Unprotect(protectedData);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

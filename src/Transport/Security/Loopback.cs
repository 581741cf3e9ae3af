using System.Net;

namespace Mcp.Raw.Transport.Security;

/// <summary>The one answer to "is this loopback?" for hosts and addresses (Host checks, http authorities, serve's exposure check).</summary>
internal static class Loopback
{
    /// <summary>
    /// <c>localhost</c>, a <c>*.localhost</c> name (RFC 6761), or a loopback IP address (brackets allowed around IPv6).
    /// </summary>
    public static bool IsLoopbackHost(string host)
    {
        var name = host.AsSpan().Trim("[]");
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>A loopback address, or none (in-process transports).</summary>
    public static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);
}

using System.Net;
using System.Security.Claims;
using Mcp.Raw.Transport.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Security;

/// <summary>
/// Who a 2025-era session belongs to (SEC-07, A-11): the authenticated principal (issuer and subject) that created it,
/// or nobody for an anonymous session; the remote address, for the cap on anonymous sessions; and the
/// <c>MapMcpRaw</c> mapping it was created under. Another principal, or the same id on another mapping, finds no
/// session (404), so a session id alone never authenticates anyone.
/// </summary>
public sealed record SessionOwner(string? Principal, string? RemoteAddress, string Endpoint)
{
    /// <summary>An owner for sessions outside HTTP (stdio) and for tests: anonymous, no address, no mapping.</summary>
    public static SessionOwner Local { get; } = new(null, null, string.Empty);

    /// <summary>The key that session quotas count under: the principal, or the remote address of anonymous clients.</summary>
    public string QuotaKey => Principal ?? "anonymous@" + RemoteAddress;

    /// <summary>The owner a request would give a session it creates.</summary>
    public static SessionOwner From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new SessionOwner(GetPrincipalKey(http.User), http.Connection.RemoteIpAddress?.ToString(), GetEndpoint(http));
    }

    /// <summary>Whether the request's principal and mapping are this session's.</summary>
    public bool Admits(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return string.Equals(Principal, GetPrincipalKey(http.User), StringComparison.Ordinal)
            && string.Equals(Endpoint, GetEndpoint(http), StringComparison.Ordinal);
    }

    /// <summary>
    /// The stable key of an authenticated principal: the issuer and value of its subject claim (<c>sub</c>, or the
    /// name identifier that JWT bearer maps it to), else its name; null when anonymous.
    /// </summary>
    public static string? GetPrincipalKey(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        var subject = user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.NameIdentifier) ?? user.FindFirst(ClaimTypes.Name);
        return subject is null
            ? identity.AuthenticationType + "\n" + identity.Name
            : subject.Issuer + "\n" + subject.Value;
    }

    private static string GetEndpoint(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<McpRawEndpointMetadata>()?.Pattern ?? string.Empty;

    /// <summary>Whether an address is loopback (or unknown, as for in-process transports).</summary>
    internal static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);
}

using System.Security.Claims;
using Mcp.Raw.Transport.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

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
        return new SessionOwner(GetPrincipalKey(AuthenticatedUser(http)), http.Connection.RemoteIpAddress?.ToString(), GetEndpoint(http));
    }

    /// <summary>
    /// Whether the request's principal and mapping are this session's. Runs on every request of a session, so it
    /// allocates nothing: the user is read from the authentication feature (no empty principal is made for anonymous
    /// requests) and the key is compared piece by piece.
    /// </summary>
    public bool Admits(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!string.Equals(Endpoint, GetEndpoint(http), StringComparison.Ordinal))
        {
            return false;
        }

        var user = AuthenticatedUser(http);
        if (user is null)
        {
            return Principal is null;
        }

        if (Principal is null)
        {
            return false;
        }

        var (first, second) = KeyParts(user);
        return Principal.Length == first.Length + 1 + second.Length
            && Principal.AsSpan(0, first.Length).SequenceEqual(first)
            && Principal[first.Length] == '\n'
            && Principal.AsSpan(first.Length + 1).SequenceEqual(second);
    }

    /// <summary>
    /// The stable key of an authenticated principal: the issuer and value of its subject claim (<c>sub</c>, or the
    /// name identifier that JWT bearer maps it to), else its name; null when anonymous.
    /// </summary>
    public static string? GetPrincipalKey(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true })
        {
            return null;
        }

        var (first, second) = KeyParts(user);
        return string.Concat(first, "\n", second);
    }

    /// <summary>Issuer and value of the subject claim, or the authentication type and name without one.</summary>
    private static (string First, string Second) KeyParts(ClaimsPrincipal user)
    {
        var subject = user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.NameIdentifier) ?? user.FindFirst(ClaimTypes.Name);
        return subject is null
            ? (user.Identity?.AuthenticationType ?? string.Empty, user.Identity?.Name ?? string.Empty)
            : (subject.Issuer, subject.Value);
    }

    /// <summary>The request's authenticated user, or null; never creates the empty principal <c>HttpContext.User</c> would.</summary>
    private static ClaimsPrincipal? AuthenticatedUser(HttpContext http) =>
        http.Features.Get<IHttpAuthenticationFeature>()?.User is { Identity.IsAuthenticated: true } user ? user : null;

    private static string GetEndpoint(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<McpRawEndpointMetadata>()?.Pattern ?? string.Empty;
}

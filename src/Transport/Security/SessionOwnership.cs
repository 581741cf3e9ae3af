using System.Security.Claims;
using Mcp.Raw.Transport.Hosting;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Mcp.Raw.Transport.Security;

/// <summary>A <see cref="SessionOwner"/> made from an HTTP request, and an HTTP request checked against one (SEC-07, A-11).</summary>
public static class SessionOwnership
{
    /// <summary>The owner a request would give a session it creates.</summary>
    public static SessionOwner From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new SessionOwner(SessionOwner.GetPrincipalKey(AuthenticatedUser(http)), http.Connection.RemoteIpAddress?.ToString(), GetEndpoint(http));
    }

    /// <summary>
    /// Whether the request's principal and mapping are this session's. Runs on every request of a session, so it
    /// allocates nothing: the user is read from the authentication feature (no empty principal is made for anonymous
    /// requests) and the key is compared piece by piece.
    /// </summary>
    public static bool Admits(this SessionOwner owner, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(http);
        return string.Equals(owner.Endpoint, GetEndpoint(http), StringComparison.Ordinal) && owner.IsPrincipal(AuthenticatedUser(http));
    }

    /// <summary>The request's authenticated user, or null; never creates the empty principal <c>HttpContext.User</c> would.</summary>
    private static ClaimsPrincipal? AuthenticatedUser(HttpContext http) =>
        http.Features.Get<IHttpAuthenticationFeature>()?.User is { Identity.IsAuthenticated: true } user ? user : null;

    private static string GetEndpoint(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<McpRawEndpointMetadata>()?.Pattern ?? string.Empty;
}

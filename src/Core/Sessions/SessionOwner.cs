using System.Security.Claims;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// Who a 2025-era session belongs to (SEC-07, A-11): the authenticated principal (issuer and subject) that created it,
/// or nobody for an anonymous session; the remote address, for the cap on anonymous sessions; and the
/// <c>MapMcpRaw</c> mapping it was created under. Another principal, or the same id on another mapping, finds no
/// session (404), so a session id alone never authenticates anyone. The HTTP transport makes one from a request and
/// checks a request against it (<c>SessionOwnership</c>).
/// </summary>
public sealed record SessionOwner(string? Principal, string? RemoteAddress, string Endpoint)
{
    /// <summary>An owner for sessions outside HTTP (stdio) and for tests: anonymous, no address, no mapping.</summary>
    public static SessionOwner Local { get; } = new(null, null, string.Empty);

    /// <summary>The key that session quotas count under: the principal, or the remote address of anonymous clients.</summary>
    public string QuotaKey => Principal ?? "anonymous@" + RemoteAddress;

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

    /// <summary>Whether <paramref name="user"/> (authenticated, or null for anonymous) is this owner's principal, allocating nothing.</summary>
    public bool IsPrincipal(ClaimsPrincipal? user)
    {
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

    /// <summary>Issuer and value of the subject claim, or the authentication type and name without one.</summary>
    private static (string First, string Second) KeyParts(ClaimsPrincipal user)
    {
        var subject = user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.NameIdentifier) ?? user.FindFirst(ClaimTypes.Name);
        return subject is null
            ? (user.Identity?.AuthenticationType ?? string.Empty, user.Identity?.Name ?? string.Empty)
            : (subject.Issuer, subject.Value);
    }
}

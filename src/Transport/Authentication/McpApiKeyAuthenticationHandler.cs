using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Authentication;

/// <summary>One API key: its name (the principal's subject, never the key itself), the secret, and the scopes it grants.</summary>
public sealed class McpApiKey
{
    /// <summary>Creates the key.</summary>
    public McpApiKey(string name, string key, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(key);
        Name = name;
        Key = key;
        Scopes = scopes ?? [];
        Digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>The key's name: the principal's subject.</summary>
    public string Name { get; }

    /// <summary>The secret.</summary>
    public string Key { get; }

    /// <summary>The scopes the key grants.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The SHA-256 of the secret, computed once: requests compare digests in constant time.</summary>
    internal byte[] Digest { get; }
}

/// <summary>Options of the API-key scheme.</summary>
public sealed class McpApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The accepted keys.</summary>
    public IList<McpApiKey> Keys { get; } = [];

    /// <summary>The default of <see cref="HeaderName"/>.</summary>
    public const string DefaultHeaderName = "X-API-Key";

    /// <summary>The header that may carry a key besides <c>Authorization: Bearer</c>. Default <c>X-API-Key</c>.</summary>
    public string HeaderName { get; set; } = DefaultHeaderName;
}

/// <summary>
/// API keys through ASP.NET Core authentication: the key comes from <c>Authorization: Bearer &lt;key&gt;</c> or
/// <c>X-API-Key</c> (never the query string, A-10) and is compared in constant time with every configured key (SHA-256
/// digests compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the key's length nor the
/// position of the first difference shows in the timing). The principal is named after the key's name, with issuer
/// <see cref="Issuer"/>, and carries the key's scopes as a <c>scope</c> claim.
/// </summary>
public sealed class McpApiKeyAuthenticationHandler(IOptionsMonitor<McpApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<McpApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>The issuer of the claims of an API-key principal.</summary>
    public const string Issuer = "mcp-raw:api-key";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey();
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        McpApiKey? match = null;
        foreach (var key in Options.Keys)
        {
            // Every key is compared, match or not: the time does not depend on which key matched.
            if (CryptographicOperations.FixedTimeEquals(digest, key.Digest))
            {
                match ??= key;
            }
        }

        if (match is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity(Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim("sub", match.Name, ClaimValueTypes.String, Issuer));
        identity.AddClaim(new Claim(ClaimTypes.Name, match.Name, ClaimValueTypes.String, Issuer));
        if (match.Scopes.Count > 0)
        {
            identity.AddClaim(new Claim("scope", string.Join(' ', match.Scopes), ClaimValueTypes.String, Issuer));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = ReadKey() is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }

    private string? ReadKey()
    {
        var header = Request.Headers[Options.HeaderName].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        return BearerToken.Read(Request);
    }
}

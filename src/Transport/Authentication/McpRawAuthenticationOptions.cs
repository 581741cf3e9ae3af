namespace Mcp.Raw.Transport.Authentication;

/// <summary>
/// What <c>AddMcpRawAuthentication</c> sets up: API keys, JWT bearer tokens from an OAuth 2.1 authorization server, or
/// both (a key in <c>X-API-Key</c>, or a bearer value that is not a JWT, goes to the API-key scheme), the scopes every
/// MCP request needs, and the protected-resource metadata.
/// </summary>
public sealed class McpRawAuthenticationOptions
{
    /// <summary>API keys accepted in <c>Authorization: Bearer</c> or <c>X-API-Key</c>.</summary>
    public IList<McpApiKey> ApiKeys { get; } = [];

    /// <summary>
    /// The issuer (OpenID discovery at <c>{Authority}/.well-known/openid-configuration</c>, keys from its JWKS). Must be
    /// https, except on a loopback host (tests, local development). Null: no JWT bearer scheme.
    /// </summary>
    public string? JwtAuthority { get; set; }

    /// <summary>
    /// The audience tokens must name (RFC 8707): the canonical URI of this MCP server. Defaults to
    /// <see cref="McpResourceMetadataOptions.Resource"/>.
    /// </summary>
    public string? JwtAudience { get; set; }

    /// <summary>More accepted issuers; by default only the authority's own issuer is.</summary>
    public IList<string> ValidIssuers { get; } = [];

    /// <summary>Clock skew allowed on a token's lifetime. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Scopes every request to the MCP endpoint needs (a broader scope covers a narrower one, A-08).</summary>
    public IList<string> RequiredScopes { get; } = [];

    /// <summary>The protected-resource metadata (RFC 9728): the public URL and the authorization servers.</summary>
    public McpResourceMetadataOptions ResourceMetadata { get; } = new();

    /// <summary>The scope hierarchy.</summary>
    public McpScopeOptions Scopes { get; } = new();

    /// <summary>Whether <c>MapMcpRaw</c> requires the <see cref="McpRawAuthenticationDefaults.PolicyName"/> policy on every route it maps. Default true.</summary>
    public bool RequireOnMapMcpRaw { get; set; } = true;
}

/// <summary>Names used by <c>AddMcpRawAuthentication</c>.</summary>
public static class McpRawAuthenticationDefaults
{
    /// <summary>The scheme that picks the API-key or the JWT scheme per request (the default scheme).</summary>
    public const string Scheme = "Mcp.Raw";

    /// <summary>The API-key scheme.</summary>
    public const string ApiKeyScheme = "Mcp.Raw.ApiKey";

    /// <summary>The JWT bearer scheme.</summary>
    public const string JwtScheme = "Mcp.Raw.Jwt";

    /// <summary>The policy every MCP route requires: an authenticated principal with the required scopes.</summary>
    public const string PolicyName = "Mcp.Raw";
}

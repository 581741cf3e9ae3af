namespace Mcp.Raw.Transport.Authentication;

/// <summary>
/// The OAuth 2.1 resource server's public description (RFC 9728, A-01..A-03): what the protected-resource metadata
/// documents say and what every <c>WWW-Authenticate</c> challenge points at.
/// </summary>
public sealed class McpResourceMetadataOptions
{
    /// <summary>
    /// The canonical URI of the MCP endpoint, exactly as clients connect to it (A-02: lowercase scheme and host, the
    /// path included, no fragment, no trailing slash). Behind a proxy this is the public URL, never the raw
    /// <c>Host</c>. Null: no metadata is served and challenges carry no <c>resource_metadata</c>.
    /// </summary>
    public Uri? Resource { get; set; }

    /// <summary>The issuers of the authorization servers that issue tokens for this resource (A-03: at least one).</summary>
    public IList<string> AuthorizationServers { get; } = [];

    /// <summary>The scopes this resource understands, listed in the metadata (never <c>offline_access</c>, A-03).</summary>
    public IList<string> ScopesSupported { get; } = [];

    /// <summary>A human-readable name for the metadata's <c>resource_name</c>.</summary>
    public string? ResourceName { get; set; }

    /// <summary>The absolute URL of the metadata document that challenges name: the path-inserted well-known URI (RFC 9728 §3.1).</summary>
    public Uri? MetadataUrl => Resource is null ? null : new Uri(Resource.GetLeftPart(UriPartial.Authority) + ProtectedResourceMetadataEndpoint.RootPath + Resource.AbsolutePath.TrimEnd('/'));
}

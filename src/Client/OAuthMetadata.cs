using System.Text.Json;

namespace Mcp.Raw.Client;

/// <summary>Protected resource metadata (RFC 9728 §2): what the MCP server says about itself.</summary>
internal sealed record ProtectedResourceMetadata(string Resource, IReadOnlyList<string> AuthorizationServers, IReadOnlyList<string>? ScopesSupported, Uri Location)
{
    public static ProtectedResourceMetadata? TryRead(JsonElement root, Uri location)
    {
        if (root.ValueKind != JsonValueKind.Object || OAuthJson.String(root, "resource") is not { Length: > 0 } resource)
        {
            return null;
        }

        return new ProtectedResourceMetadata(resource, OAuthJson.Strings(root, "authorization_servers") ?? [], OAuthJson.Strings(root, "scopes_supported"), location);
    }
}

/// <summary>Authorization server metadata (RFC 8414 §2, OpenID Connect Discovery 1.0): the endpoints and what they support.</summary>
internal sealed record AuthorizationServerMetadata(
    string Issuer,
    Uri AuthorizationEndpoint,
    Uri TokenEndpoint,
    Uri? RegistrationEndpoint,
    IReadOnlyList<string>? ScopesSupported,
    IReadOnlyList<string>? TokenEndpointAuthMethodsSupported,
    IReadOnlyList<string>? CodeChallengeMethodsSupported,
    bool IssParameterSupported,
    bool ClientIdMetadataDocumentSupported,
    bool FromDocument)
{
    public static AuthorizationServerMetadata? TryRead(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || OAuthJson.String(root, "issuer") is not { Length: > 0 } issuer
            || OAuthJson.AbsoluteUri(root, "authorization_endpoint") is not { } authorize
            || OAuthJson.AbsoluteUri(root, "token_endpoint") is not { } token)
        {
            return null;
        }

        return new AuthorizationServerMetadata(
            issuer,
            authorize,
            token,
            OAuthJson.AbsoluteUri(root, "registration_endpoint"),
            OAuthJson.Strings(root, "scopes_supported"),
            OAuthJson.Strings(root, "token_endpoint_auth_methods_supported"),
            OAuthJson.Strings(root, "code_challenge_methods_supported"),
            OAuthJson.Bool(root, "authorization_response_iss_parameter_supported"),
            OAuthJson.Bool(root, "client_id_metadata_document_supported"),
            FromDocument: true);
    }

    /// <summary>The 2025-03-26 defaults when a server publishes no metadata: <c>/authorize</c>, <c>/token</c>, <c>/register</c> at its origin.</summary>
    public static AuthorizationServerMetadata Defaults(Uri origin) => new(
        origin.GetLeftPart(UriPartial.Authority),
        new Uri(origin, "/authorize"),
        new Uri(origin, "/token"),
        new Uri(origin, "/register"),
        null,
        null,
        ["S256"],
        IssParameterSupported: false,
        ClientIdMetadataDocumentSupported: false,
        FromDocument: false);
}

/// <summary>Small readers for the OAuth JSON documents (off the hot path; no reflection, so trimming is safe).</summary>
internal static class OAuthJson
{
    public static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Bool(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static long? Long(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    public static Uri? AbsoluteUri(JsonElement o, string name) =>
        String(o, name) is { } s && Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    public static IReadOnlyList<string>? Strings(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } s)
            {
                list.Add(s);
            }
        }

        return list;
    }
}

using System.Text.Json;

namespace Mcp.Raw.Client;

/// <summary>
/// Finds the protected resource metadata (RFC 9728) and the authorization server metadata (RFC 8414, OpenID Connect
/// Discovery) in the order the MCP authorization spec gives.
/// </summary>
internal static class OAuthDiscovery
{
    private const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>
    /// The resource metadata: the challenge's <c>resource_metadata</c> first, then the path-inserted well-known URI
    /// (<c>/.well-known/oauth-protected-resource/mcp</c>), then the root one. Null when none answers (a 2025-03-26 server).
    /// </summary>
    public static async Task<ProtectedResourceMetadata?> FindResourceMetadataAsync(HttpClient http, Uri resource, string? fromChallenge, Action<string>? log, CancellationToken cancellationToken)
    {
        var candidates = new List<Uri>(3);
        if (fromChallenge is not null && Uri.TryCreate(fromChallenge, UriKind.Absolute, out var hinted) && IsSecure(hinted))
        {
            candidates.Add(hinted);
        }

        var origin = new Uri(resource.GetLeftPart(UriPartial.Authority));
        var path = resource.AbsolutePath.TrimEnd('/');
        if (path.Length > 0)
        {
            candidates.Add(new Uri(origin, "/.well-known/oauth-protected-resource" + path));
        }

        candidates.Add(new Uri(origin, "/.well-known/oauth-protected-resource"));
        foreach (var candidate in candidates.Distinct())
        {
            using var document = await TryGetJsonAsync(http, candidate, log, cancellationToken).ConfigureAwait(false);
            if (document is not null && ProtectedResourceMetadata.TryRead(document.RootElement, candidate) is { } metadata)
            {
                return metadata;
            }
        }

        return null;
    }

    /// <summary>
    /// The authorization server metadata of <paramref name="issuer"/>. For an issuer with a path:
    /// <c>/.well-known/oauth-authorization-server{path}</c>, <c>/.well-known/openid-configuration{path}</c>,
    /// <c>{path}/.well-known/openid-configuration</c>; without one, the two root documents. The document's
    /// <c>issuer</c> must equal <paramref name="issuer"/> exactly (RFC 8414 §3.3): a mismatch is an error, never a
    /// reason to use the endpoints. Null when no document answers.
    /// </summary>
    public static async Task<AuthorizationServerMetadata?> FindAuthorizationServerAsync(HttpClient http, string issuer, Action<string>? log, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var issuerUri) || !IsSecure(issuerUri) || issuerUri.Query.Length > 0 || issuerUri.Fragment.Length > 0)
        {
            throw new McpAuthorizationException($"The authorization server '{issuer}' is no valid issuer identifier (an https URL without query or fragment; http only on loopback).");
        }

        var origin = new Uri(issuerUri.GetLeftPart(UriPartial.Authority));
        var path = issuerUri.AbsolutePath.TrimEnd('/');
        Uri[] candidates = path.Length > 0
            ?
            [
                new Uri(origin, "/.well-known/oauth-authorization-server" + path),
                new Uri(origin, "/.well-known/openid-configuration" + path),
                new Uri(origin, path + "/.well-known/openid-configuration"),
            ]
            :
            [
                new Uri(origin, "/.well-known/oauth-authorization-server"),
                new Uri(origin, "/.well-known/openid-configuration"),
            ];
        foreach (var candidate in candidates)
        {
            using var document = await TryGetJsonAsync(http, candidate, log, cancellationToken).ConfigureAwait(false);
            if (document is null || AuthorizationServerMetadata.TryRead(document.RootElement) is not { } metadata)
            {
                continue;
            }

            if (!string.Equals(metadata.Issuer, issuer, StringComparison.Ordinal))
            {
                throw new McpAuthorizationException($"The authorization server metadata at {candidate} names issuer '{metadata.Issuer}', not '{issuer}': refusing to use it (RFC 8414 §3.3).");
            }

            return metadata;
        }

        return null;
    }

    /// <summary>HTTPS, or HTTP to a loopback host (development and tests): where codes and credentials may go.</summary>
    public static bool IsSecure(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps
        || (url.Scheme == Uri.UriSchemeHttp && (url.IsLoopback || string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)));

    private static async Task<JsonDocument?> TryGetJsonAsync(HttpClient http, Uri url, Action<string>? log, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            log?.Invoke($"GET {url} -> {(int)response.StatusCode}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var bytes = await BoundedReads.ReadBodyAsync(response.Content, MaxDocumentBytes, cancellationToken).ConfigureAwait(false);
            return JsonDocument.Parse(bytes);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or McpClientException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            log?.Invoke($"GET {url} failed: {e.Message}");
            return null;
        }
    }
}

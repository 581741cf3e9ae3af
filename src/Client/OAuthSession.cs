using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mcp.Raw.Client;

/// <summary>
/// The OAuth state of one <see cref="McpClient"/>: the authorization server its credentials are bound to (SEP-2352),
/// the client id, the tokens and the scopes asked for so far. One flow runs at a time; requests that failed with an
/// older token retry with the new one instead of starting another flow.
/// </summary>
internal sealed partial class OAuthSession : IDisposable
{
    private const int MaxDocumentBytes = 1024 * 1024;
    private static readonly TimeSpan s_refreshSkew = TimeSpan.FromSeconds(30);
    private readonly McpOAuthOptions _options;
    private readonly Uri _resource;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _requestedScopes = [];
    private string? _issuer;
    private AuthorizationServerMetadata? _server;
    private ClientCredentials? _client;
    private volatile TokenSet? _tokens;
    private string? _resourceParameter;
    private int _flowsWithoutSuccess;

    public OAuthSession(McpOAuthOptions options, Uri resource)
    {
        if (options.Authorize is null)
        {
            throw new ArgumentException("McpOAuthOptions.Authorize is required: it opens the authorization URL and returns the redirect.", nameof(options));
        }

        if (options.MaxAuthorizationAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAuthorizationAttempts, "MaxAuthorizationAttempts must be at least 1.");
        }

        _options = options;
        _resource = resource;
        _http = options.HttpClient ?? OAuthHttp.Shared;
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    /// <summary>The current access token, if any.</summary>
    public string? AccessToken => _tokens?.AccessToken;

    /// <summary>Tokens go only to the origin of the MCP endpoint they were issued for.</summary>
    public bool AppliesTo(Uri? requestUri) => requestUri is not null && HttpSse2024Connection.SameOrigin(requestUri, _resource);

    /// <summary>A request with a token got an answer that was no challenge: the flow worked.</summary>
    public void OnAuthorized() => Volatile.Write(ref _flowsWithoutSuccess, 0);

    /// <summary>The token to send: refreshed first when it is about to expire and a refresh token exists.</summary>
    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        var tokens = _tokens;
        if (tokens is null || tokens.RefreshToken is null || tokens.ExpiresAt is not { } expires || DateTimeOffset.UtcNow + tokens.RefreshMargin < expires)
        {
            return tokens?.AccessToken;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(tokens, _tokens))
            {
                using var flow = FlowToken(cancellationToken);
                await TryRefreshAsync(flow.Token).ConfigureAwait(false);
            }

            return _tokens?.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Answers a 401 or 403 to a request sent with <paramref name="usedToken"/>: true when a new token is ready for one
    /// retry; false when retrying cannot help (a 403 that is no <c>insufficient_scope</c>, or one whose scopes the
    /// token already has). Throws <see cref="McpAuthorizationException"/> when the flow must stop.
    /// </summary>
    public async Task<bool> OnChallengeAsync(int status, BearerChallenge challenge, string? usedToken, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens?.AccessToken is { } current && !string.Equals(current, usedToken, StringComparison.Ordinal))
            {
                return true;
            }

            var challenged = SplitScopes(challenge.Scope);
            if (status == 403)
            {
                if (!challenge.IsInsufficientScope)
                {
                    return false;
                }

                if (challenged.Count == 0 || (_tokens is { } granted && challenged.All(granted.Scopes.Contains)))
                {
                    // Step-up would ask for what the token already has: the server will refuse again.
                    Log($"HTTP 403 insufficient_scope for '{challenge.Scope}', which the token already has: not authorizing again");
                    return false;
                }
            }

            if (_flowsWithoutSuccess >= _options.MaxAuthorizationAttempts)
            {
                throw new McpAuthorizationException($"The server still refused after {_flowsWithoutSuccess} authorization flow(s) in a row (HTTP {status}); giving up.");
            }

            using var flow = FlowToken(cancellationToken);
            try
            {
                await DiscoverAsync(challenge, flow.Token).ConfigureAwait(false);
                if (status == 401 && !challenge.IsInsufficientScope && _tokens?.RefreshToken is not null && await TryRefreshAsync(flow.Token).ConfigureAwait(false))
                {
                    _flowsWithoutSuccess++;
                    return true;
                }

                _flowsWithoutSuccess++;
                await AuthorizeAsync(challenged, flow.Token).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException e) when (flow.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new McpAuthorizationException($"The authorization flow did not finish within {_options.FlowTimeout}.", e);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Resource metadata, then the authorization server; credentials of another issuer are dropped (SEP-2352).</summary>
    private async Task DiscoverAsync(BearerChallenge challenge, CancellationToken cancellationToken)
    {
        var resourceMetadata = await OAuthDiscovery.FindResourceMetadataAsync(_http, _resource, challenge.ResourceMetadata, _options.Log, cancellationToken).ConfigureAwait(false);
        string issuer;
        if (resourceMetadata is null)
        {
            // 2025-03-26: no resource metadata; the MCP server's origin is the authorization server.
            issuer = _resource.GetLeftPart(UriPartial.Authority);
            if (!OAuthDiscovery.IsSecure(_resource))
            {
                throw new McpAuthorizationException($"{_resource} publishes no protected resource metadata and is no HTTPS origin: refusing to use it as an authorization server.");
            }

            _resourceParameter = null;
            Log($"no protected resource metadata; using {issuer} as the authorization server (2025-03-26)");
        }
        else
        {
            if (!ResourceMatches(resourceMetadata.Resource, _resource))
            {
                throw new McpAuthorizationException($"The protected resource metadata at {resourceMetadata.Location} is for '{resourceMetadata.Resource}', not for {_resource}: refusing to authorize (RFC 9728 §3.3).");
            }

            if (resourceMetadata.AuthorizationServers.Count == 0)
            {
                throw new McpAuthorizationException($"The protected resource metadata at {resourceMetadata.Location} names no authorization server.");
            }

            issuer = resourceMetadata.AuthorizationServers[0];
            _resourceParameter = resourceMetadata.Resource;
            Log($"resource {resourceMetadata.Resource}: authorization server {issuer}");
        }

        if (_issuer is not null && !string.Equals(_issuer, issuer, StringComparison.Ordinal))
        {
            Log($"the authorization server changed from {_issuer} to {issuer}: dropping the client id and tokens of the old one");
            _client = null;
            _tokens = null;
        }

        if (_server is null || !string.Equals(_issuer, issuer, StringComparison.Ordinal))
        {
            _server = await OAuthDiscovery.FindAuthorizationServerAsync(_http, issuer, _options.Log, cancellationToken).ConfigureAwait(false)
                ?? (resourceMetadata is null
                    ? AuthorizationServerMetadata.Defaults(_resource)
                    : throw new McpAuthorizationException($"The authorization server {issuer} publishes no metadata (RFC 8414 or OpenID Connect Discovery)."));
        }

        _issuer = issuer;
        foreach (var endpoint in (Uri?[])[_server.AuthorizationEndpoint, _server.TokenEndpoint, _server.RegistrationEndpoint])
        {
            if (endpoint is not null && !OAuthDiscovery.IsSecure(endpoint))
            {
                throw new McpAuthorizationException($"The authorization server {issuer} has an endpoint without HTTPS ({endpoint}): refusing to send codes and credentials in clear text.");
            }
        }

        if (_server.FromDocument && !(_server.CodeChallengeMethodsSupported?.Contains("S256") ?? false))
        {
            throw new McpAuthorizationException($"The authorization server {issuer} does not advertise PKCE with S256 (code_challenge_methods_supported): refusing to authorize.");
        }

        _resourceMetadataScopes = resourceMetadata?.ScopesSupported;
    }

    private IReadOnlyList<string>? _resourceMetadataScopes;

    private string? _preRegisteredIssuer;

    private CancellationTokenSource FlowToken(CancellationToken cancellationToken)
    {
        var flow = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flow.CancelAfter(_options.FlowTimeout);
        return flow;
    }

    /// <summary>Authorization code with PKCE (S256) and the resource indicator, then the token request.</summary>
    private async Task AuthorizeAsync(List<string> challenged, CancellationToken cancellationToken)
    {
        var server = _server!;

        // Scope: the challenge's, else all the resource supports, else none; joined with what was asked before (SEP-2350).
        foreach (var scope in challenged.Count > 0 ? challenged : _resourceMetadataScopes ?? [])
        {
            if (!_requestedScopes.Contains(scope))
            {
                _requestedScopes.Add(scope);
            }
        }

        var scopes = new List<string>(_requestedScopes);
        if (_options.RequestOfflineAccess && (server.ScopesSupported?.Contains("offline_access") ?? false) && !scopes.Contains("offline_access"))
        {
            scopes.Add("offline_access");
        }

        _client ??= await ObtainClientAsync(server, cancellationToken).ConfigureAwait(false);
        var verifier = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var query = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", _client.ClientId),
            new("redirect_uri", _options.RedirectUri.AbsoluteUri),
            new("code_challenge", challenge),
            new("code_challenge_method", "S256"),
            new("state", state),
        };
        if (scopes.Count > 0)
        {
            query.Add(new("scope", string.Join(' ', scopes)));
        }

        if (_resourceParameter is not null)
        {
            query.Add(new("resource", _resourceParameter));
        }

        var url = WithQuery(server.AuthorizationEndpoint, query);
        Log($"authorize at {server.AuthorizationEndpoint} (scope: {(scopes.Count > 0 ? string.Join(' ', scopes) : "none")})");
        var callback = await _options.Authorize!(url, cancellationToken).ConfigureAwait(false);
        var answer = System.Web.HttpUtility.ParseQueryString(callback.Query);
        if (!string.Equals(answer["state"], state, StringComparison.Ordinal))
        {
            throw new McpAuthorizationException("The authorization response's state does not match the request's: refusing it.");
        }

        // RFC 9207: a present iss must equal the issuer exactly (no normalisation); a missing one is an error when advertised.
        if (answer["iss"] is { } iss)
        {
            if (!string.Equals(iss, server.Issuer, StringComparison.Ordinal))
            {
                throw new McpAuthorizationException($"The authorization response came from issuer '{iss}', not '{server.Issuer}': refusing it (RFC 9207).");
            }
        }
        else if (server.IssParameterSupported)
        {
            throw new McpAuthorizationException($"The authorization server {server.Issuer} advertises the iss parameter but the response has none: refusing it (RFC 9207).");
        }

        // The error is believed only once state and iss say it comes from this flow and this server (RFC 9207 §2.4).
        if (answer["error"] is { } error)
        {
            throw new McpAuthorizationException($"The authorization server refused: {error}" + (answer["error_description"] is { } d ? $" ({d})" : string.Empty) + ".");
        }

        if (answer["code"] is not { Length: > 0 } code)
        {
            throw new McpAuthorizationException("The authorization response carries no code.");
        }

        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", _options.RedirectUri.AbsoluteUri),
            new("code_verifier", verifier),
        };
        if (_resourceParameter is not null)
        {
            form.Add(new("resource", _resourceParameter));
        }

        _tokens = await RequestTokenAsync(server, form, string.Join(' ', scopes), null, cancellationToken).ConfigureAwait(false);
        Log("token received");
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await BoundedReads.ReadBodyAsync(response.Content, MaxDocumentBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (McpClientException e)
        {
            throw new McpAuthorizationException($"The {what} response is too large.", e);
        }

        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = document is null ? null : OAuthJson.String(document.RootElement, "error");
            var description = document is null ? null : OAuthJson.String(document.RootElement, "error_description");
            document?.Dispose();
            throw new McpAuthorizationException($"The {what} request failed with HTTP {(int)response.StatusCode}" + (error is null ? string.Empty : $": {error}") + (description is null ? string.Empty : $" ({description})") + ".");
        }

        return document ?? throw new McpAuthorizationException($"The {what} response is not JSON.");
    }

    /// <summary>
    /// RFC 9728 §3.3 / RFC 8707: the metadata's resource identifies this endpoint or a parent of it (same scheme, host
    /// and port; a path that is the endpoint's or a prefix of it at a segment boundary).
    /// </summary>
    internal static bool ResourceMatches(string resource, Uri endpoint)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out var r) || r.Fragment.Length > 0)
        {
            return false;
        }

        if (!string.Equals(r.Scheme, endpoint.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(r.IdnHost, endpoint.IdnHost, StringComparison.OrdinalIgnoreCase)
            || r.Port != endpoint.Port)
        {
            return false;
        }

        var resourcePath = r.AbsolutePath.TrimEnd('/');
        var endpointPath = endpoint.AbsolutePath.TrimEnd('/');
        return resourcePath.Length == 0
            || string.Equals(resourcePath, endpointPath, StringComparison.Ordinal)
            || endpointPath.StartsWith(resourcePath + "/", StringComparison.Ordinal);
    }

    private static List<string> SplitScopes(string? scope) =>
        scope is null ? [] : [.. scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    private static Uri WithQuery(Uri endpoint, List<KeyValuePair<string, string>> query)
    {
        var builder = new StringBuilder(endpoint.GetLeftPart(UriPartial.Path));
        var existing = endpoint.Query.TrimStart('?');
        builder.Append('?').Append(existing);
        var first = existing.Length == 0;
        foreach (var (name, value) in query)
        {
            builder.Append(first ? string.Empty : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return new Uri(builder.ToString());
    }

    private void Log(string message) => _options.Log?.Invoke(message);

    private sealed record ClientCredentials(string ClientId, string? ClientSecret, string AuthMethod);

    private sealed record TokenSet(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt, HashSet<string> Scopes)
    {
        public TimeSpan RefreshMargin { get; init; }
    }
}

namespace Mcp.Raw.Client;

/// <summary>
/// The OAuth 2.1 client of <see cref="McpClient"/> (MCP authorization, 2025-06-18 and later, with the 2025-03-26
/// fallbacks). Set <see cref="McpClientOptions.OAuth"/> and the client answers a server's <c>401</c> (and a
/// <c>403 insufficient_scope</c>) itself: it discovers the protected resource metadata and the authorization server,
/// obtains a client id, runs the authorization code flow with PKCE through <see cref="Authorize"/>, and retries the
/// request with the token.
/// </summary>
public sealed class McpOAuthOptions
{
    /// <summary>
    /// Where the authorization server sends the user agent back with the code. Registered during dynamic client
    /// registration and sent as <c>redirect_uri</c>. Default <c>http://127.0.0.1/callback</c>; a
    /// <see cref="LoopbackRedirectListener"/> gives one with its port.
    /// </summary>
    public Uri RedirectUri { get; set; } = new("http://127.0.0.1/callback");

    /// <summary>
    /// The user-agent step: open the authorization URL (a browser, a printed link, or <see cref="McpOAuthUserAgents.Headless"/>
    /// for authorization servers that approve without a person) and return the URL that the authorization server
    /// redirected to, with its <c>code</c>, <c>state</c> and <c>iss</c>. Required.
    /// </summary>
    public Func<Uri, CancellationToken, Task<Uri>>? Authorize { get; set; }

    /// <summary>The <c>client_name</c> sent during dynamic client registration.</summary>
    public string ClientName { get; set; } = "mcp-raw";

    /// <summary>A pre-registered client id; used before CIMD and dynamic registration when set.</summary>
    public string? ClientId { get; set; }

    /// <summary>The secret of the pre-registered <see cref="ClientId"/>, if it is a confidential client.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The issuer the pre-registered <see cref="ClientId"/> belongs to. Null: the first authorization server the client
    /// meets. The credentials never go to another one (it gets CIMD or dynamic registration instead).
    /// </summary>
    public string? ClientIdIssuer { get; set; }

    /// <summary>
    /// How long one flow (discovery, registration, the user agent, the token request) may take before it fails with
    /// <see cref="McpAuthorizationException"/>. Default 5 minutes (a person signs in within it).
    /// </summary>
    public TimeSpan FlowTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The HTTPS URL of this client's metadata document (Client ID Metadata Documents). Used as the client id when the
    /// authorization server advertises <c>client_id_metadata_document_supported</c> and no <see cref="ClientId"/> is set.
    /// </summary>
    public Uri? ClientMetadataDocumentUrl { get; set; }

    /// <summary>Ask for <c>offline_access</c> (a refresh token) when the authorization server lists it in <c>scopes_supported</c>. Default on.</summary>
    public bool RequestOfflineAccess { get; set; } = true;

    /// <summary>
    /// Authorization flows in a row that may run without one request succeeding with their token: a server that
    /// keeps refusing (an endless <c>403 insufficient_scope</c>, say) ends in an error, not a loop. Default 3.
    /// </summary>
    public int MaxAuthorizationAttempts { get; set; } = 3;

    /// <summary>
    /// The HTTP client for metadata, registration and token requests; one that follows no redirects is made when
    /// null. It never carries the access token.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Called with each step of the flow (discovery, registration, authorization, token), for a person to follow.</summary>
    public Action<string>? Log { get; set; }
}

/// <summary>Ready-made user agents for <see cref="McpOAuthOptions.Authorize"/>.</summary>
public static class McpOAuthUserAgents
{
    /// <summary>
    /// Fetches the authorization URL without following redirects and returns the redirect's <c>Location</c>: for
    /// authorization servers that approve a request without a person (tests, conformance, trusted automation).
    /// </summary>
    public static Func<Uri, CancellationToken, Task<Uri>> Headless(HttpClient? httpClient = null) => async (url, cancellationToken) =>
    {
        var http = httpClient ?? OAuthHttp.Shared;
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
        {
            return location.IsAbsoluteUri ? location : new Uri(url, location);
        }

        throw new McpAuthorizationException($"The authorization endpoint answered HTTP {(int)response.StatusCode} instead of redirecting: it needs a person (use a browser).");
    };
}

/// <summary>The OAuth flow could not obtain a token, or refused to use what the servers offered.</summary>
public sealed class McpAuthorizationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpAuthorizationException()
        : base("Authorization failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public McpAuthorizationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public McpAuthorizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The HTTP client of the OAuth requests when the options give none: no redirects followed, no cookies.</summary>
internal static class OAuthHttp
{
    public static readonly HttpClient Shared = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
}

using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mcp.Raw.Testing;

/// <summary>
/// A real OAuth 2.1 authorization server on loopback Kestrel: OpenID discovery and a JWKS from an RSA key the test
/// generates, and tokens it signs (RS256) with any issuer, audience, subject, scope and lifetime; plus the client
/// side of the flow (RFC 8414 metadata, dynamic registration, an authorization endpoint that approves at once and
/// redirects with code, state and iss, and a token endpoint that checks PKCE, the redirect URI, the client's
/// authentication and the resource, and issues and rotates refresh tokens). It records every request so that tests
/// can assert what a client sent.
/// </summary>
public sealed class TestAuthority : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;

    private TestAuthority(WebApplication app, RsaSecurityKey key, string issuer)
    {
        _app = app;
        _key = key;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<TestAuthority> StartAsync()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        string? issuer = null;
        var authority = new TestAuthority[1];
        app.Use(async (context, next) =>
        {
            if (authority[0] is { } a)
            {
                a.Requests.Enqueue(new SeenRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString()));
            }

            await next(context);
        });
        app.MapGet("/.well-known/oauth-authorization-server", () => authority[0].Metadata());
        app.MapGet("/authorize", (Func<HttpContext, IResult>)(http => authority[0].Authorize(http)));
        app.MapPost("/token", (Func<HttpContext, Task<IResult>>)(http => authority[0].TokenAsync(http)));
        app.MapPost("/register", (Func<HttpContext, Task<IResult>>)(http => authority[0].RegisterAsync(http)));
        app.MapGet("/.well-known/openid-configuration", (HttpContext http) => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = issuer!, ["jwks_uri"] = issuer + "/jwks" }), "application/json"));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
            var json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["keys"] = new[] { new Dictionary<string, string> { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = jwk.Kid, ["n"] = jwk.N, ["e"] = jwk.E } },
            });
            return Results.Text(json, "application/json");
        });
        await app.StartAsync();
        issuer = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        authority[0] = new TestAuthority(app, key, issuer);
        return authority[0];
    }

    /// <summary>Every request the authority received: method, path and query, Authorization header.</summary>
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Every authorization request, in order.</summary>
    public ConcurrentQueue<AuthorizationSeen> Authorizations { get; } = new();

    /// <summary>Every token request, in order.</summary>
    public ConcurrentQueue<TokenSeen> TokenRequests { get; } = new();

    /// <summary>The clients registered dynamically (client id to redirect URI).</summary>
    public ConcurrentDictionary<string, string> Registered { get; } = new();

    /// <summary>Confidential clients known beforehand (client id to secret).</summary>
    public ConcurrentDictionary<string, string> PreRegistered { get; } = new();

    /// <summary>The scope granted for the n-th authorization (1-based) given the requested one; default: what was asked.</summary>
    public Func<int, string?, string?> GrantScope { get; set; } = (_, requested) => requested;

    /// <summary>The access tokens' lifetime (<c>expires_in</c>).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary><c>token_endpoint_auth_methods_supported</c>.</summary>
    public string[] TokenEndpointAuthMethods { get; set; } = ["none", "client_secret_basic"];

    /// <summary><c>scopes_supported</c> of the metadata.</summary>
    public string[] ScopesSupported { get; set; } = ["mcp:tools", "offline_access"];

    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, string?> _secrets = new();
    private int _authorizations;

    private IResult Metadata() => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["registration_endpoint"] = Issuer + "/register",
        ["jwks_uri"] = Issuer + "/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["grant_types_supported"] = new[] { "authorization_code", "refresh_token" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = TokenEndpointAuthMethods,
        ["scopes_supported"] = ScopesSupported,
        ["authorization_response_iss_parameter_supported"] = true,
    }), "application/json");

    private IResult Authorize(HttpContext http)
    {
        var q = http.Request.Query;
        string? Get(string name) => q.TryGetValue(name, out var v) ? v.ToString() : null;
        var clientId = Get("client_id") ?? string.Empty;
        var redirect = Get("redirect_uri") ?? string.Empty;
        Authorizations.Enqueue(new AuthorizationSeen(clientId, Get("scope"), Get("resource"), redirect, Get("code_challenge_method")));
        var known = Registered.TryGetValue(clientId, out var registeredRedirect) ? registeredRedirect == redirect : PreRegistered.ContainsKey(clientId);
        if (!known || Get("response_type") != "code" || Get("code_challenge_method") != "S256" || Get("code_challenge") is not { Length: >= 43 } challenge)
        {
            return Results.BadRequest("invalid authorization request");
        }

        var n = Interlocked.Increment(ref _authorizations);
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new Grant(clientId, GrantScope(n, Get("scope")), Get("resource"), redirect, challenge);
        var state = Get("state");
        var target = redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + code
            + (state is null ? string.Empty : "&state=" + Uri.EscapeDataString(state)) + "&iss=" + Uri.EscapeDataString(Issuer);
        return Results.Redirect(target);
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        string? Get(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var (clientId, secret, method) = ClientAuthentication(http, Get("client_id"), Get("client_secret"));
        TokenRequests.Enqueue(new TokenSeen(Get("grant_type") ?? string.Empty, clientId, method, Get("resource")));
        var expected = PreRegistered.TryGetValue(clientId ?? string.Empty, out var pre) ? pre : _secrets.GetValueOrDefault(clientId ?? string.Empty);
        if (clientId is null || (expected is not null && expected != secret))
        {
            return Error(401, "invalid_client");
        }

        Grant? grant;
        if (Get("grant_type") == "authorization_code")
        {
            if (Get("code") is not { } code || !_codes.TryRemove(code, out grant) || grant.ClientId != clientId || grant.RedirectUri != Get("redirect_uri")
                || Get("code_verifier") is not { } verifier || System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))) != grant.Challenge)
            {
                return Error(400, "invalid_grant");
            }
        }
        else if (Get("grant_type") == "refresh_token")
        {
            if (Get("refresh_token") is not { } refresh || !_refreshTokens.TryRemove(refresh, out grant) || grant.ClientId != clientId)
            {
                return Error(400, "invalid_grant");
            }
        }
        else
        {
            return Error(400, "unsupported_grant_type");
        }

        if (grant.Resource is null || (Get("resource") is { } resource && resource != grant.Resource))
        {
            return Error(400, "invalid_target");
        }

        var next = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _refreshTokens[next] = grant;
        var body = new Dictionary<string, object>
        {
            ["access_token"] = Mint(grant.Resource, subject: clientId, scope: grant.Scope, lifetime: AccessTokenLifetime),
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds,
            ["refresh_token"] = next,
        };
        if (grant.Scope is not null)
        {
            body["scope"] = grant.Scope;
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(JsonSerializer.Serialize(body), "application/json");
    }

    private async Task<IResult> RegisterAsync(HttpContext http)
    {
        using var json = await JsonDocument.ParseAsync(http.Request.Body);
        var redirect = json.RootElement.TryGetProperty("redirect_uris", out var r) && r.ValueKind == JsonValueKind.Array && r.GetArrayLength() == 1 ? r[0].GetString() : null;
        if (redirect is null)
        {
            return Error(400, "invalid_redirect_uri");
        }

        var method = json.RootElement.TryGetProperty("token_endpoint_auth_method", out var m) ? m.GetString() ?? "none" : "client_secret_basic";
        var clientId = "client-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        string? secret = method == "none" ? null : Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        Registered[clientId] = redirect;
        _secrets[clientId] = secret;
        var body = new Dictionary<string, object> { ["client_id"] = clientId, ["redirect_uris"] = new[] { redirect }, ["token_endpoint_auth_method"] = method };
        if (secret is not null)
        {
            body["client_secret"] = secret;
        }

        return Results.Text(JsonSerializer.Serialize(body), "application/json", statusCode: 201);
    }

    private static (string? ClientId, string? Secret, string Method) ClientAuthentication(HttpContext http, string? formId, string? formSecret)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null, "client_secret_basic");
        }

        return (formId, formSecret, formSecret is null ? "none" : "client_secret_post");
    }

    private static IResult Error(int status, string error) => Results.Text(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = error }), "application/json", statusCode: status);

    private sealed record Grant(string ClientId, string? Scope, string? Resource, string RedirectUri, string Challenge);

    /// <summary>Mints a signed access token; by default valid for 10 minutes, from this issuer.</summary>
    public string Mint(string audience, string subject = "alice", string? scope = null, TimeSpan? lifetime = null, string? issuer = null, SecurityKey? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now.AddSeconds(-5),
            Expires = expires,
            SigningCredentials = new SigningCredentials(signingKey ?? _key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A key no authority publishes.</summary>
    public static RsaSecurityKey ForeignKey() => new(RSA.Create(2048)) { KeyId = "foreign" };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request to the authority.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, string Authorization);

/// <summary>One authorization request.</summary>
public sealed record AuthorizationSeen(string ClientId, string? Scope, string? Resource, string RedirectUri, string? ChallengeMethod);

/// <summary>One token request: the grant, the client and how it authenticated, the resource.</summary>
public sealed record TokenSeen(string GrantType, string? ClientId, string AuthMethod, string? Resource);

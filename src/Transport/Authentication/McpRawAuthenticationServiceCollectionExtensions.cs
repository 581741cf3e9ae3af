using Mcp.Raw.Transport.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers authentication, authorization and CORS for the MCP endpoints.</summary>
public static class McpRawAuthenticationServiceCollectionExtensions
{
    /// <summary>
    /// Adds ASP.NET Core authentication for the MCP endpoints: API keys, JWT bearer tokens validated as an OAuth 2.1
    /// resource server (issuer, audience = this server's canonical URI, lifetime, signature; A-07), or both; the
    /// <see cref="McpRawAuthenticationDefaults.PolicyName"/> policy (authenticated, with the required scopes); and the
    /// protected-resource metadata, which <c>MapMcpRaw</c> serves. Unless
    /// <see cref="McpRawAuthenticationOptions.RequireOnMapMcpRaw"/> is turned off, every route <c>MapMcpRaw</c> maps
    /// requires the policy. Tokens are never saved or passed on.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither keys nor an authority are configured, or the authority is http on a host that is not loopback .</exception>
    public static IServiceCollection AddMcpRawAuthentication(this IServiceCollection services, Action<McpRawAuthenticationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new McpRawAuthenticationOptions();
        configure(options);
        Validate(options);

        services.Configure<McpResourceMetadataOptions>(m =>
        {
            m.Resource = options.ResourceMetadata.Resource;
            m.ResourceName = options.ResourceMetadata.ResourceName;
            Copy(options.ResourceMetadata.AuthorizationServers, m.AuthorizationServers);
            Copy(options.ResourceMetadata.ScopesSupported, m.ScopesSupported);
            if (m.AuthorizationServers.Count == 0 && options.JwtAuthority is not null)
            {
                m.AuthorizationServers.Add(options.JwtAuthority);
            }
        });
        services.Configure<McpScopeOptions>(s =>
        {
            s.Separator = options.Scopes.Separator;
            foreach (var (scope, narrower) in options.Scopes.Implies)
            {
                s.Implies[scope] = narrower;
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, McpScopeAuthorizationHandler>());

        var hasKeys = options.ApiKeys.Count > 0;
        var hasJwt = options.JwtAuthority is not null;
        var authentication = services.AddAuthentication(McpRawAuthenticationDefaults.Scheme);
        authentication.AddPolicyScheme(McpRawAuthenticationDefaults.Scheme, "MCP", p => p.ForwardDefaultSelector = http =>
        {
            if (!hasJwt)
            {
                return McpRawAuthenticationDefaults.ApiKeyScheme;
            }

            if (!hasKeys)
            {
                return McpRawAuthenticationDefaults.JwtScheme;
            }

            // Both: a JWT has two dots; anything else is a key.
            var token = BearerToken.Read(http.Request);
            return http.Request.Headers.ContainsKey(McpApiKeyAuthenticationOptions.DefaultHeaderName) || token is null || token.AsSpan().Count('.') != 2
                ? McpRawAuthenticationDefaults.ApiKeyScheme
                : McpRawAuthenticationDefaults.JwtScheme;
        });

        if (hasKeys || !hasJwt)
        {
            authentication.AddScheme<McpApiKeyAuthenticationOptions, McpApiKeyAuthenticationHandler>(McpRawAuthenticationDefaults.ApiKeyScheme, k => Copy(options.ApiKeys, k.Keys));
        }

        if (hasJwt)
        {
            authentication.AddJwtBearer(McpRawAuthenticationDefaults.JwtScheme, j => ConfigureJwt(j, options));
        }

        services.AddAuthorization(a => a.AddPolicy(McpRawAuthenticationDefaults.PolicyName, p => p
            .AddAuthenticationSchemes(McpRawAuthenticationDefaults.Scheme)
            .RequireMcpScopes([.. options.RequiredScopes])));
        services.AddSingleton(new McpRawAuthenticationMarker(options.RequireOnMapMcpRaw));
        return services;
    }

    /// <summary>
    /// Adds the <see cref="McpRawCors.PolicyName"/> CORS policy over ASP.NET Core's CORS services, built from the
    /// transport's origin allow-list, which <c>MapMcpRaw</c> then applies. Call <c>app.UseCors()</c> after
    /// <c>UseRouting()</c> and before <c>UseAuthentication()</c>; preflights never need a token either way.
    /// </summary>
    public static IServiceCollection AddMcpRawCors(this IServiceCollection services, params string[] origins)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(origins);
        services.AddCors();
        services.Configure<Mcp.Raw.Transport.StreamableHttpOptions>(o =>
        {
            foreach (var origin in origins)
            {
                o.AllowedOrigins.Add(origin);
            }
        });
        services.Replace(ServiceDescriptor.Transient<ICorsPolicyProvider, McpRawCorsPolicyProvider>());
        services.TryAddSingleton<McpRawCorsMarker>();
        return services;
    }

    private static void ConfigureJwt(JwtBearerOptions j, McpRawAuthenticationOptions options)
    {
        var authority = options.JwtAuthority!.TrimEnd('/');
        var audience = options.JwtAudience ?? (options.ResourceMetadata.Resource is { } r ? ProtectedResourceMetadataEndpoint.CanonicalResource(r) : null);
        j.Authority = authority;
        j.MapInboundClaims = false;
        j.SaveToken = false;
        j.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = options.ValidIssuers.Count > 0 ? [.. options.ValidIssuers] : null,
            ValidateAudience = true,
            ValidAudience = audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = "sub",
        };

        var uri = new Uri(authority);
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            // Loopback only (checked at registration): discovery and JWKS may be http, and only to loopback hosts.
            j.RequireHttpsMetadata = false;
            j.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                authority + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new LoopbackHttpDocumentRetriever());
        }
    }

    private static void Validate(McpRawAuthenticationOptions options)
    {
        if (options.ApiKeys.Count == 0 && options.JwtAuthority is null)
        {
            throw new InvalidOperationException("AddMcpRawAuthentication: configure ApiKeys, JwtAuthority, or both.");
        }

        foreach (var key in options.ApiKeys)
        {
            if (string.IsNullOrEmpty(key.Key) || key.Key.Length < 16)
            {
                throw new InvalidOperationException($"AddMcpRawAuthentication: the API key '{key.Name}' is shorter than 16 characters; use a long random key.");
            }
        }

        if (options.JwtAuthority is { } authority)
        {
            if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                throw new InvalidOperationException($"AddMcpRawAuthentication: JwtAuthority '{authority}' is not an absolute http(s) URL.");
            }

            if (uri.Scheme == "http" && !LoopbackHttpDocumentRetriever.IsLoopbackHost(uri))
            {
                throw new InvalidOperationException($"AddMcpRawAuthentication: JwtAuthority '{authority}' must use https; http is accepted only for a loopback host (tests, local development).");
            }

            if (options.JwtAudience is null && options.ResourceMetadata.Resource is null)
            {
                throw new InvalidOperationException("AddMcpRawAuthentication: set JwtAudience or ResourceMetadata.Resource: tokens are validated against this server's canonical URI (RFC 8707).");
            }
        }
    }

    private static void Copy<T>(IEnumerable<T> from, ICollection<T> to)
    {
        foreach (var item in from)
        {
            if (!to.Contains(item))
            {
                to.Add(item);
            }
        }
    }
}

/// <summary>Marks that <c>AddMcpRawAuthentication</c> ran, and whether <c>MapMcpRaw</c> requires its policy.</summary>
internal sealed record McpRawAuthenticationMarker(bool RequireOnMap);

/// <summary>Fetches discovery and JWKS documents over http from loopback hosts only; https anywhere.</summary>
internal sealed class LoopbackHttpDocumentRetriever : IDocumentRetriever
{
    private readonly HttpDocumentRetriever _inner = new() { RequireHttps = false };

    public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopbackHost(uri))))
        {
            throw new InvalidOperationException($"Refusing to fetch '{address}': only https, or http on a loopback host, is allowed.");
        }

        return _inner.GetDocumentAsync(address, cancel);
    }

    public static bool IsLoopbackHost(Uri uri) => Mcp.Raw.Transport.Security.Loopback.IsLoopbackHost(uri.Host);
}

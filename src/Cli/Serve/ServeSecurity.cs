using System.Security.Cryptography.X509Certificates;
using Mcp.Raw.Transport.Authentication;

namespace Mcp.Raw.Cli.Serve;

/// <summary>The security options of <c>mcp-raw serve</c>: authentication, CORS, TLS and exposure.</summary>
internal sealed record ServeSecurity
{
    public List<string> ApiKeys { get; init; } = [];

    public string? JwtAuthority { get; init; }

    public string? JwtAudience { get; init; }

    public List<string> RequiredScopes { get; init; } = [];

    public string? Resource { get; init; }

    public List<string> AuthorizationServers { get; init; } = [];

    public List<string> CorsOrigins { get; init; } = [];

    public string? CertPath { get; init; }

    public string? CertKeyPath { get; init; }

    public string? CertPassword { get; init; }

    public bool AllowUnauthenticatedRemote { get; init; }

    public int? MaxSessionsPerClient { get; init; }

    public bool HasAuthentication => ApiKeys.Count > 0 || JwtAuthority is not null;

    /// <summary>
    /// Why these options must not start, or null: a listener that is not loopback with no authentication (SEC-04,
    /// SEC-05), an https URL without a certificate, a JWT authority without the URL it protects.
    /// </summary>
    public static string? Check(string urls, ServeSecurity security)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return $"--urls '{url}' is not an http:// or https:// URL.";
            }

            if (uri.Scheme == "https" && security.CertPath is null)
            {
                return $"--urls '{url}' is https: give the certificate with --cert PATH (PEM with --cert-key PATH, or PFX with --cert-password PW).";
            }

            if (!IsLoopback(uri) && !security.HasAuthentication && !security.AllowUnauthenticatedRemote)
            {
                return $"refusing to listen on '{url}' without authentication: anyone who reaches it could call every tool. " +
                    "Configure --api-key KEY or --jwt-authority URL --jwt-audience URI, or pass --allow-unauthenticated-remote to accept the risk.";
            }
        }

        if (security.JwtAuthority is not null && security.JwtAudience is null && security.Resource is null)
        {
            return "--jwt-authority needs --jwt-audience URI (or --resource URL): tokens must be issued for this server (RFC 8707).";
        }

        foreach (var key in security.ApiKeys)
        {
            if (key.Length < 16)
            {
                return "--api-key: a key must be at least 16 characters long; use a long random key.";
            }
        }

        return null;
    }

    /// <summary>The authentication these options configure, or null for none.</summary>
    public Action<McpRawAuthenticationOptions>? Authentication(string firstUrl, string path)
    {
        if (!HasAuthentication)
        {
            return null;
        }

        return a =>
        {
            for (var i = 0; i < ApiKeys.Count; i++)
            {
                a.ApiKeys.Add(new McpApiKey("api-key-" + (i + 1), ApiKeys[i]));
            }

            a.JwtAuthority = JwtAuthority;
            a.JwtAudience = JwtAudience;
            foreach (var scope in RequiredScopes)
            {
                a.RequiredScopes.Add(scope);
                a.ResourceMetadata.ScopesSupported.Add(scope);
            }

            if (JwtAuthority is not null)
            {
                a.ResourceMetadata.Resource = new Uri(Resource ?? JwtAudience ?? firstUrl.TrimEnd('/') + path);
                foreach (var server in AuthorizationServers.Count > 0 ? AuthorizationServers : [JwtAuthority])
                {
                    a.ResourceMetadata.AuthorizationServers.Add(server);
                }
            }
        };
    }

    /// <summary>Loads the TLS certificate: PEM (certificate and key files) or PFX (with its password).</summary>
    public X509Certificate2? LoadCertificate()
    {
        if (CertPath is null)
        {
            return null;
        }

        if (CertKeyPath is not null)
        {
            return X509Certificate2.CreateFromPemFile(CertPath, CertKeyPath);
        }

        return CertPath.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || CertPath.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
            ? X509Certificate2.CreateFromPemFile(CertPath)
            : X509CertificateLoader.LoadPkcs12FromFile(CertPath, CertPassword);
    }

    private static bool IsLoopback(Uri uri) => Transport.Security.Loopback.IsLoopbackHost(uri.Host);
}

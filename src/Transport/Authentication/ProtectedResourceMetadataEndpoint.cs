using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mcp.Raw.Transport.Authentication;

/// <summary>
/// Serves the RFC 9728 protected-resource metadata at the path-inserted well-known URI
/// (<c>/.well-known/oauth-protected-resource/mcp</c> for <c>https://h/mcp</c>) and at the root one. Anonymous,
/// readable from any origin (it is public, and a browser client needs it before it has a token), never cached long.
/// </summary>
internal static class ProtectedResourceMetadataEndpoint
{
    public const string RootPath = "/.well-known/oauth-protected-resource";

    public static void Map(IEndpointRouteBuilder endpoints, McpResourceMetadataOptions options)
    {
        var body = Write(options);
        var resourcePath = options.Resource!.AbsolutePath.TrimEnd('/');
        RequestDelegate serve = http =>
        {
            http.Response.ContentType = "application/json";
            http.Response.Headers.CacheControl = "max-age=300";
            http.Response.Headers.AccessControlAllowOrigin = "*";
            http.Response.ContentLength = body.Length;
            return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
        };

        endpoints.MapGet(RootPath, serve).AllowAnonymous().WithDisplayName("MCP protected resource metadata");
        if (resourcePath.Length > 0)
        {
            endpoints.MapGet(RootPath + resourcePath, serve).AllowAnonymous().WithDisplayName("MCP protected resource metadata (path-inserted)");
        }
    }

    /// <summary>The document, written once: it never changes while the application runs.</summary>
    internal static byte[] Write(McpResourceMetadataOptions options)
    {
        using var buffer = new Mcp.Raw.Protocol.Buffers.PooledBufferWriter(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resource", CanonicalResource(options.Resource!));
            json.WriteStartArray("authorization_servers");
            foreach (var issuer in options.AuthorizationServers)
            {
                json.WriteStringValue(issuer);
            }

            json.WriteEndArray();
            var scopes = options.ScopesSupported.Where(s => s != "offline_access").ToList();
            if (scopes.Count > 0)
            {
                json.WriteStartArray("scopes_supported");
                foreach (var scope in scopes)
                {
                    json.WriteStringValue(scope);
                }

                json.WriteEndArray();
            }

            json.WriteStartArray("bearer_methods_supported");
            json.WriteStringValue("header");
            json.WriteEndArray();
            if (options.ResourceName is not null)
            {
                json.WriteString("resource_name", options.ResourceName);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    /// <summary>The canonical form of a resource URI: lowercase scheme and host, no fragment or query, no trailing slash.</summary>
    internal static string CanonicalResource(Uri resource)
    {
        var authority = resource.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        return authority + resource.AbsolutePath.TrimEnd('/');
    }
}

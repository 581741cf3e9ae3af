using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mcp.Raw.Client;

/// <summary>The client id: pre-registered, a client ID metadata document, or dynamic registration; and the token endpoint auth method.</summary>
internal sealed partial class OAuthSession
{
    /// <summary>The client id: pre-registered, else a Client ID Metadata Document URL, else dynamic registration (RFC 7591).</summary>
    private async Task<ClientCredentials> ObtainClientAsync(AuthorizationServerMetadata server, CancellationToken cancellationToken)
    {
        // Pre-registered credentials belong to one authorization server: the one named in the options, else the first
        // one met. Another issuer never sees them (a hostile resource could name any server to collect the secret).
        if (_options.ClientId is { Length: > 0 } id)
        {
            var bound = _options.ClientIdIssuer ?? (_preRegisteredIssuer ??= server.Issuer);
            if (string.Equals(bound, server.Issuer, StringComparison.Ordinal))
            {
                return new ClientCredentials(id, _options.ClientSecret, ChooseAuthMethod(server, _options.ClientSecret is not null, null));
            }

            Log($"the pre-registered client id belongs to {bound}, not {server.Issuer}: not using it there");
        }

        if (_options.ClientMetadataDocumentUrl is { } document && server.ClientIdMetadataDocumentSupported)
        {
            Log($"client id: the metadata document {document}");
            return new ClientCredentials(document.AbsoluteUri, null, "none");
        }

        if (server.RegistrationEndpoint is not { } endpoint)
        {
            throw new McpAuthorizationException($"The authorization server {server.Issuer} offers no dynamic client registration and accepts no client metadata document: set McpOAuthOptions.ClientId.");
        }

        var supported = server.TokenEndpointAuthMethodsSupported;
        var method = supported is null || supported.Contains("none") ? "none"
            : supported.Contains("client_secret_basic") ? "client_secret_basic"
            : supported.Contains("client_secret_post") ? "client_secret_post"
            : supported.Count > 0 ? supported[0] : "none";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("client_name", _options.ClientName);
            writer.WriteStartArray("redirect_uris");
            writer.WriteStringValue(_options.RedirectUri.AbsoluteUri);
            writer.WriteEndArray();
            writer.WriteStartArray("grant_types");
            writer.WriteStringValue("authorization_code");
            writer.WriteStringValue("refresh_token");
            writer.WriteEndArray();
            writer.WriteStartArray("response_types");
            writer.WriteStringValue("code");
            writer.WriteEndArray();
            writer.WriteString("token_endpoint_auth_method", method);
            writer.WriteString("application_type", _options.RedirectUri.IsLoopback || _options.RedirectUri.Scheme is not ("http" or "https") ? "native" : "web");
            writer.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(buffer.WrittenSpan.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        using var json = await ReadJsonAsync(response, "registration", cancellationToken).ConfigureAwait(false);
        if (OAuthJson.String(json.RootElement, "client_id") is not { Length: > 0 } clientId)
        {
            throw new McpAuthorizationException($"The registration endpoint {endpoint} answered without a client_id.");
        }

        var secret = OAuthJson.String(json.RootElement, "client_secret");
        Log($"registered at {endpoint} as {clientId}");
        return new ClientCredentials(clientId, secret, ChooseAuthMethod(server, secret is not null, OAuthJson.String(json.RootElement, "token_endpoint_auth_method")));
    }

    /// <summary>The registered method if any; else, with a secret, Basic (RFC 8414's default) or what the server lists.</summary>
    private static string ChooseAuthMethod(AuthorizationServerMetadata server, bool hasSecret, string? registered)
    {
        if (registered is { Length: > 0 })
        {
            return registered;
        }

        if (!hasSecret)
        {
            return "none";
        }

        var supported = server.TokenEndpointAuthMethodsSupported;
        return supported is null || supported.Contains("client_secret_basic") ? "client_secret_basic"
            : supported.Contains("client_secret_post") ? "client_secret_post"
            : supported.Contains("none") ? "none"
            : "client_secret_basic";
    }
}

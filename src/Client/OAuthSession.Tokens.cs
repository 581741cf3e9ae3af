using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mcp.Raw.Client;

/// <summary>The token endpoint: the code exchanged, a token refreshed, the answer checked.</summary>
internal sealed partial class OAuthSession
{
    private async Task<bool> TryRefreshAsync(CancellationToken cancellationToken)
    {
        if (_tokens?.RefreshToken is not { } refresh || _server is not { } server || _client is null)
        {
            return false;
        }

        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", refresh) };
        if (_resourceParameter is not null)
        {
            form.Add(new("resource", _resourceParameter));
        }

        try
        {
            _tokens = await RequestTokenAsync(server, form, string.Join(' ', _tokens.Scopes), refresh, cancellationToken).ConfigureAwait(false);
            Log("token refreshed");
            return true;
        }
        catch (Exception e) when (e is McpAuthorizationException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log("refresh failed: " + e.Message);
            _tokens = _tokens is { } t ? t with { RefreshToken = null } : null;
            return false;
        }
    }

    private async Task<TokenSet> RequestTokenAsync(AuthorizationServerMetadata server, List<KeyValuePair<string, string>> form, string requestedScope, string? previousRefresh, CancellationToken cancellationToken)
    {
        var client = _client!;
        using var request = new HttpRequestMessage(HttpMethod.Post, server.TokenEndpoint);
        request.Headers.Accept.ParseAdd("application/json");
        switch (client.AuthMethod)
        {
            case "client_secret_basic":
                var pair = Uri.EscapeDataString(client.ClientId) + ":" + Uri.EscapeDataString(client.ClientSecret ?? string.Empty);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                break;
            case "client_secret_post":
                form.Add(new("client_id", client.ClientId));
                form.Add(new("client_secret", client.ClientSecret ?? string.Empty));
                break;
            default:
                form.Add(new("client_id", client.ClientId));
                break;
        }

        request.Content = new FormUrlEncodedContent(form);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        using var document = await ReadJsonAsync(response, "token", cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        if (OAuthJson.String(root, "access_token") is not { Length: > 0 } access)
        {
            throw new McpAuthorizationException($"The token endpoint {server.TokenEndpoint} answered without an access_token.");
        }

        if (OAuthJson.String(root, "token_type") is { } type && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new McpAuthorizationException($"The token endpoint issued a '{type}' token; only Bearer tokens are supported.");
        }

        // A lifetime past ten years is no lifetime; the margin is 30 s, or half of a shorter lifetime (no refresh per request).
        TimeSpan? lifetime = OAuthJson.Long(root, "expires_in") is { } seconds and > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, 315_360_000)) : null;
        var granted = OAuthJson.String(root, "scope") ?? requestedScope;
        return new TokenSet(access, OAuthJson.String(root, "refresh_token") ?? previousRefresh, DateTimeOffset.UtcNow + lifetime, [.. SplitScopes(granted)])
        {
            RefreshMargin = lifetime is { } l && l < 2 * s_refreshSkew ? l / 2 : s_refreshSkew,
        };
    }
}

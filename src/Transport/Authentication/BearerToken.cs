using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Authentication;

/// <summary>Where a bearer token may come from: the <c>Authorization</c> header, nothing else .</summary>
internal static class BearerToken
{
    /// <summary>The token of <c>Authorization: Bearer &lt;token&gt;</c>, or null.</summary>
    public static string? Read(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString();
        if (value.Length > 7 && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = value.AsSpan(7).Trim();
            return token.Length == 0 ? null : token.ToString();
        }

        return null;
    }

    /// <summary>Whether the request presents any credential (a bearer token or an API key header).</summary>
    public static bool IsPresented(HttpRequest request, string apiKeyHeader) =>
        request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(apiKeyHeader);

    /// <summary>Whether a token was sent in the query string, which this server refuses .</summary>
    public static bool IsInQuery(HttpRequest request) => request.Query.ContainsKey("access_token");
}

using System.Net;
using System.Net.Http.Headers;

namespace Mcp.Raw.Client;

/// <summary>
/// Puts the access token in the <c>Authorization</c> header of every request to the MCP endpoint's origin (and
/// nowhere else: never a query string, never another origin), and answers a 401 or a <c>403 insufficient_scope</c>
/// by running the flow and sending the request once more. Sits in front of <see cref="SameOriginRedirectHandler"/>,
/// which drops the header on a redirect to another origin.
/// </summary>
internal sealed class OAuthHandler(OAuthSession session, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!session.AppliesTo(request.RequestUri))
        {
            request.Headers.Authorization = null;
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var token = await session.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        Attach(request, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            if (token is not null && response.IsSuccessStatusCode)
            {
                session.OnAuthorized();
            }

            return response;
        }

        bool retry;
        try
        {
            retry = BearerChallenge.From(response.Headers) is { } challenge
                && await session.OnChallengeAsync((int)response.StatusCode, challenge, token, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        if (!retry)
        {
            return response;
        }

        response.Dispose();
        var again = Copy(request);
        Attach(again, session.AccessToken);
        var second = await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
        if (second.IsSuccessStatusCode)
        {
            session.OnAuthorized();
        }

        return second;
    }

    /// <summary>
    /// A new message for the same request (a sent message cannot be sent again). The content is shared: the
    /// connections send <see cref="ReadOnlyMemoryContent"/>, which can be written any number of times.
    /// </summary>
    internal static HttpRequestMessage Copy(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            session.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void Attach(HttpRequestMessage request, string? token) =>
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
}

/// <summary>Lets a caller's <see cref="HttpClient"/> sit under <see cref="OAuthHandler"/> (without owning it: disposing this leaves it open).</summary>
internal sealed class HttpClientForwarder(HttpClient client) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        client.SendAsync(OAuthHandler.Copy(request), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}

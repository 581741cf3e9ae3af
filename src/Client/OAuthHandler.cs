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
            if (token is not null)
            {
                session.OnAuthorized();
            }

            return response;
        }

        if (BearerChallenge.From(response.Headers) is not { } challenge
            || !await session.OnChallengeAsync((int)response.StatusCode, challenge, token, cancellationToken).ConfigureAwait(false))
        {
            return response;
        }

        response.Dispose();
        var retry = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            retry.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        Attach(retry, session.AccessToken);
        var second = await base.SendAsync(retry, cancellationToken).ConfigureAwait(false);
        if (second.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            session.OnAuthorized();
        }

        return second;
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
        client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}

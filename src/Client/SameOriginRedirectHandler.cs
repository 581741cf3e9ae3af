using System.Net;

namespace Mcp.Raw.Client;

/// <summary>
/// Follows redirects itself (the inner handler follows none), so that credentials never cross an origin: a redirect
/// to the same origin keeps every header; one to another origin drops <c>Authorization</c>, <c>Mcp-Session-Id</c>,
/// <c>Last-Event-ID</c> and the headers the caller added (<see cref="McpClientOptions.Headers"/>). At most
/// <see cref="MaxRedirects"/> hops; 307 and 308 keep the method and body, 301, 302 and 303 turn a POST into a GET
/// without a body. Used by the <see cref="HttpClient"/> that <see cref="McpClient"/> makes when none is given.
/// </summary>
internal sealed class SameOriginRedirectHandler(IEnumerable<string> customHeaders) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    public const int MaxRedirects = 5;

    private static readonly string[] s_sensitive = ["Authorization", "Mcp-Session-Id", "Last-Event-ID", "Cookie"];
    private readonly string[] _custom = [.. customHeaders];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        for (var hop = 0; hop < MaxRedirects && IsRedirect(response.StatusCode) && response.Headers.Location is { } location; hop++)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
            if (target.Scheme is not ("http" or "https"))
            {
                return response;
            }

            var next = new HttpRequestMessage(request.Method, target) { Version = request.Version, VersionPolicy = request.VersionPolicy };
            var keepBody = response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
            if (!keepBody && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
            {
                next.Method = HttpMethod.Get;
            }
            else if (keepBody)
            {
                next.Content = request.Content;
            }

            var crossOrigin = !HttpSse2024Connection.SameOrigin(target, request.RequestUri!);
            foreach (var header in request.Headers)
            {
                if (crossOrigin && (Array.Exists(s_sensitive, h => h.Equals(header.Key, StringComparison.OrdinalIgnoreCase))
                    || Array.Exists(_custom, h => h.Equals(header.Key, StringComparison.OrdinalIgnoreCase))))
                {
                    continue;
                }

                next.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Dispose();
            request = next;
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}

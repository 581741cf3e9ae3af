using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Security;

/// <summary>
/// Origin and Host checks on every request (SEC-01..SEC-03, M-TR-27): a present <c>Origin</c> must be allowed
/// (403 otherwise); on a loopback listener, <c>Host</c> must be a loopback name or an allowed host (DNS rebinding).
/// Behind a reverse proxy, run ASP.NET Core's forwarded-headers middleware with the proxy as a known proxy, so that
/// <c>Host</c> is the forwarded one, and list the public names in <see cref="StreamableHttpOptions.AllowedHosts"/>.
/// </summary>
internal sealed class RequestGuard(IOptions<StreamableHttpOptions> options)
{
    private readonly StreamableHttpOptions _options = options.Value;

    // Host header values already judged allowed: the check is a dictionary hit, not a parse, per request.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _allowedHostValues = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns the rejection, or null when the request may proceed. The caller writes and logs the refusal.</summary>
    public RejectionReason? Check(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsAllowedOrigin(origin))
        {
            return RejectionReason.OriginNotAllowed;
        }

        if (_options.EnforceLoopbackHost && !IsAllowedHostValue(http.Request.Headers.Host.ToString(), http) && Loopback.IsLoopback(http.Connection.LocalIpAddress))
        {
            return RejectionReason.HostNotAllowed;
        }

        return null;
    }

    /// <summary>The one origin allow-list, shared by this check and the CORS policy (<c>AddMcpRawCors</c>).</summary>
    public bool IsAllowedOrigin(string origin)
    {
        foreach (var allowed in _options.AllowedOrigins)
        {
            if (string.Equals(allowed.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return _options.AllowLoopbackOrigins
            && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && Loopback.IsLoopbackHost(uri.Host);
    }

    private bool IsAllowedHostValue(string hostHeader, HttpContext http)
    {
        if (_allowedHostValues.ContainsKey(hostHeader))
        {
            return true;
        }

        if (!IsAllowedHost(http.Request.Host.Host))
        {
            return false;
        }

        // Bounded: a client cannot grow the cache without limit by varying the Host header.
        if (_allowedHostValues.Count < 256)
        {
            _allowedHostValues.TryAdd(hostHeader, true);
        }

        return true;
    }

    private bool IsAllowedHost(string host)
    {
        if (Loopback.IsLoopbackHost(host))
        {
            return true;
        }

        foreach (var allowed in _options.AllowedHosts)
        {
            if (string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

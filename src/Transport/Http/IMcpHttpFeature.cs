using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Http;

/// <summary>
/// The HTTP request a message arrived on, for a handler that needs what only HTTP knows (headers, the connection):
/// <c>context.GetFeature&lt;IMcpHttpFeature&gt;()</c>, null on stdio and for HTTP+SSE messages processed after their
/// POST ended. The request's own features (<see cref="HttpContext.Features"/>) are reachable the same way.
/// </summary>
public interface IMcpHttpFeature
{
    /// <summary>The request. Valid until the handler's task completes.</summary>
    HttpContext HttpContext { get; }
}

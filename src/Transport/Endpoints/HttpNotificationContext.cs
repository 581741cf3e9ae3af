using System.Security.Claims;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Sessions;
using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>A notification that arrived on an HTTP request: user, services and features are read from it when asked for.</summary>
internal sealed class HttpNotificationContext(JsonRpcMessage message, McpProtocolVersion version, McpSession? session, HttpContext http)
    : McpNotificationContext(message, version, session), IMcpHttpFeature
{
    public HttpContext HttpContext => http;

    private protected override ClaimsPrincipal? ReadUser() => http.User;

    private protected override IServiceProvider? ReadServices() => http.RequestServices;

    private protected override object? GetFeatureCore(Type type) => HttpFeatures.Get(this, http, type);
}

/// <summary>The features an HTTP message offers its handler: <see cref="IMcpHttpFeature"/>, then the request's own.</summary>
internal static class HttpFeatures
{
    public static object? Get(IMcpHttpFeature self, HttpContext? http, Type type) =>
        http is null ? null : type == typeof(IMcpHttpFeature) ? self : http.Features[type];
}

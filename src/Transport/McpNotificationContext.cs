using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport;

/// <summary>A notification from the client, with what the transport knows about its context.</summary>
public class McpNotificationContext
{
    private static readonly ClaimsPrincipal s_anonymous = new(new ClaimsIdentity());
    private readonly HttpContext? _http;
    private ClaimsPrincipal? _user;
    private IServiceProvider? _services;

    /// <summary>A message arriving on an HTTP request: user and services are read from it only when asked for.</summary>
    internal McpNotificationContext(JsonRpcMessage message, McpProtocolVersion version, McpSession? session, HttpContext http)
    {
        Message = message;
        ProtocolVersion = version;
        Session = session;
        _http = http;
    }

    /// <summary>A message processed after its HTTP request ended (HTTP+SSE): user and services captured.</summary>
    internal McpNotificationContext(JsonRpcMessage message, McpProtocolVersion version, McpSession? session, ClaimsPrincipal user, IServiceProvider services)
    {
        Message = message;
        ProtocolVersion = version;
        Session = session;
        _user = user;
        _services = services;
    }

    /// <summary>The message. Its raw slices are valid until the handler's task completes.</summary>
    public JsonRpcMessage Message { get; }

    /// <summary>The protocol version this message is served under.</summary>
    public McpProtocolVersion ProtocolVersion { get; }

    /// <summary>Whether this is a 2026-07-28 request (sessionless, per-request envelope).</summary>
    public bool IsModern => ProtocolVersion.IsModern();

    /// <summary>The session of a 2025-era message; null for modern and stateless requests.</summary>
    public McpSession? Session { get; }

    /// <summary>The authenticated user (from ASP.NET Core authentication), possibly anonymous.</summary>
    public ClaimsPrincipal User => _user ??= _http?.User ?? s_anonymous;

    /// <summary>The request's services (a scope is created only when this is first read).</summary>
    public IServiceProvider Services => _services ??= _http?.RequestServices ?? throw new InvalidOperationException("No services are available.");
}

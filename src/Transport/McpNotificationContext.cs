using System.Security.Claims;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport;

/// <summary>A notification from the client, with what the transport knows about its context.</summary>
public class McpNotificationContext
{
    internal McpNotificationContext(JsonRpcMessage message, McpProtocolVersion version, McpSession? session, ClaimsPrincipal user, IServiceProvider services)
    {
        Message = message;
        ProtocolVersion = version;
        Session = session;
        User = user;
        Services = services;
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
    public ClaimsPrincipal User { get; }

    /// <summary>The request's services.</summary>
    public IServiceProvider Services { get; }
}

using System.Security.Claims;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport.Handling;

/// <summary>
/// A notification from the client, with what the transport knows about its context. The seam carries no transport
/// type: what only one transport knows (the HTTP request, say) is a feature, read with <see cref="GetFeature{TFeature}"/>.
/// </summary>
public class McpNotificationContext
{
    private static readonly ClaimsPrincipal s_anonymous = new(new ClaimsIdentity());
    private ClaimsPrincipal? _user;
    private IServiceProvider? _services;

    /// <summary>A message whose user and services the transport reads only when asked for (<see cref="ReadUser"/>, <see cref="ReadServices"/>).</summary>
    private protected McpNotificationContext(JsonRpcMessage message, McpProtocolVersion version, McpSession? session)
    {
        Message = message;
        ProtocolVersion = version;
        Session = session;
    }

    /// <summary>A message with its user and services known up front (stdio; HTTP+SSE, processed after its HTTP request ended).</summary>
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

    /// <summary>The authenticated user (from ASP.NET Core authentication over HTTP), possibly anonymous.</summary>
    public ClaimsPrincipal User => _user ??= ReadUser() ?? s_anonymous;

    /// <summary>The request's services (over HTTP, a scope is created only when this is first read).</summary>
    public IServiceProvider Services => _services ??= ReadServices() ?? throw new InvalidOperationException("No services are available.");

    /// <summary>
    /// A feature of the transport this message came on, or null when it has none of that type. Over HTTP,
    /// <c>IMcpHttpFeature</c> gives the request's <c>HttpContext</c>.
    /// </summary>
    public TFeature? GetFeature<TFeature>()
        where TFeature : class => GetFeatureCore(typeof(TFeature)) as TFeature;

    /// <summary>The transport's user, read on first use; null for anonymous.</summary>
    private protected virtual ClaimsPrincipal? ReadUser() => null;

    /// <summary>The transport's services, read on first use.</summary>
    private protected virtual IServiceProvider? ReadServices() => null;

    /// <summary>The transport's feature of <paramref name="type"/>, or null.</summary>
    private protected virtual object? GetFeatureCore(Type type) => null;
}

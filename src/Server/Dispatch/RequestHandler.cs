using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Dispatch;

/// <summary>
/// One JSON-RPC method of the server (<c>tools/call</c>, <c>resources/read</c>, ...), found through the
/// <see cref="MethodTable"/>. A handler answers through the context; an <see cref="McpException"/> or a
/// <see cref="System.Text.Json.JsonException"/> it throws becomes the error answer (<see cref="ErrorMapping"/>).
/// </summary>
internal abstract class RequestHandler(McpServer server)
{
    /// <summary>The server whose primitives and options the handler serves.</summary>
    protected McpServer Server { get; } = server;

    /// <summary>The method this handler answers.</summary>
    public abstract McpMethod Method { get; }

    /// <summary>The eras the method exists in (for example <c>initialize</c> only in the 2025 session eras).</summary>
    public virtual Eras Eras => Eras.All;

    /// <summary>Whether the method exists on this server now: a feature's methods only when it has primitives (LC-12).</summary>
    public virtual bool IsAvailable => true;

    /// <summary>Serves one request.</summary>
    public abstract Task HandleAsync(McpRequestContext context);
}

/// <summary>The protocol eras a method is served in.</summary>
[Flags]
internal enum Eras
{
    /// <summary>2024-11-05 .. 2025-11-25: <c>initialize</c>, sessions (or stateless), server-to-client requests.</summary>
    Sessions2025 = 1,

    /// <summary>2026-07-28: sessionless, the per-request <c>_meta</c> envelope.</summary>
    Modern2026 = 2,

    /// <summary>Every era.</summary>
    All = Sessions2025 | Modern2026,
}

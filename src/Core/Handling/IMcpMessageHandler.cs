using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Handling;

/// <summary>
/// The seam between the transport and the server layer. The transport validates, routes and frames; the handler
/// decides what requests mean. The transport knows nothing about tools beyond <see cref="GetToolHeaderAnnotations"/>,
/// which it needs to check <c>Mcp-Param-*</c> headers before the first byte of the answer (M-SV-07).
/// </summary>
public interface IMcpMessageHandler
{
    /// <summary>
    /// Handles a request. It answers through <c>RespondAsync</c> or
    /// <see cref="McpRequestContext.RespondErrorAsync(int, string)"/>; a handler that returns without answering gets a
    /// -32603 answer, unless its request was cancelled. For <c>initialize</c> it sets the session's negotiated version.
    /// </summary>
    Task HandleRequestAsync(McpRequestContext context);

    /// <summary>Handles a notification from the client (never answered, JR-09).</summary>
    ValueTask HandleNotificationAsync(McpNotificationContext context);

    /// <summary>The <c>x-mcp-header</c> annotations of a tool, or null for an unknown tool (2026-07-28).</summary>
    IReadOnlyList<ToolHeaderAnnotation>? GetToolHeaderAnnotations(string toolName);
}

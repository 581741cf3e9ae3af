using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Lifecycle;

/// <summary><c>ping</c> (2025 session eras, UT-13): an empty result.</summary>
internal sealed class PingHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.Ping;

    public override Eras Eras => Eras.Sessions2025;

    public override Task HandleAsync(McpRequestContext context) =>
        context.RespondAsync(McpServer.EmptyObject, McpJsonContext.Default.JsonElement).AsTask();
}

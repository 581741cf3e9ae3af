using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Sessions;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Logging;

/// <summary><c>logging/setLevel</c> (2025 session eras, UT-17): the session's minimum level from now on.</summary>
internal sealed class SetLevelHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.LoggingSetLevel;

    public override Eras Eras => Eras.Sessions2025;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.SetLevelRequestParams)
            ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: level must be one of debug, info, notice, warning, error, critical, alert, emergency.");
        if (context.Session is { } session)
        {
            SessionState.Of(session, Server.Options.DefaultLogLevel).LogLevel = request.Level;
        }

        await context.RespondAsync(McpServer.EmptyObject, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
    }
}

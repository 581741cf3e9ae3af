using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Sessions;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Server.Features.Lifecycle;

/// <summary><c>initialize</c> (2025 session eras, LC-01..LC-13): negotiates the version and fixes the session.</summary>
internal sealed partial class InitializeHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.Initialize;

    public override Eras Eras => Eras.Sessions2025;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.InitializeRequestParams)
            ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: initialize needs protocolVersion, capabilities and clientInfo.");

        // LC-09: echo a version we support, otherwise offer our newest session-era version.
        var negotiated = McpProtocolVersions.TryParse(request.ProtocolVersion, out var proposed) && !proposed.IsModern()
            ? proposed
            : McpProtocolVersions.LatestSessions2025;
        var options = Server.Options;
        if (context.Session is { } session)
        {
            session.Negotiate(negotiated, request.Capabilities, request.ClientInfo);
            session.HandlerState = new SessionState(options.DefaultLogLevel);
        }

        if (Server.Logger.IsEnabled(LogLevel.Information))
        {
            var versionText = negotiated.ToVersionString();
            LogInitialized(Server.Logger, request.ClientInfo.Name, request.ClientInfo.Version, versionText);
        }

        await context.RespondAsync(new InitializeResult
        {
            ProtocolVersion = negotiated.ToVersionString(),
            Capabilities = Server.GetCapabilities(),
            ServerInfo = options.ServerInfo,
            Instructions = negotiated >= McpProtocolVersion.V2025_03_26 ? options.Instructions : null,
        }, McpJsonContext.Default.InitializeResult).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Initialized a session for {ClientName} {ClientVersion} at protocol {Version}.")]
    private static partial void LogInitialized(ILogger logger, string clientName, string clientVersion, string version);
}

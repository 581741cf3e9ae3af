
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Mcp.Raw.Transport.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>
/// DELETE on the MCP endpoint ends the session: requests in flight are cancelled, streams closed, events dropped;
/// afterwards its id gets 404 (TR-56, TR-58). Success is 200 with no body.
/// </summary>
internal sealed partial class DeleteRequestHandler(ISessionStore sessions, RequestGuard guard, IOptions<StreamableHttpOptions> options, ILogger<DeleteRequestHandler> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            await HandleCoreAsync(http).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            await ErrorResponses.WriteStoreUnavailableAsync(http).ConfigureAwait(false);
        }
    }

    private async Task HandleCoreAsync(HttpContext http)
    {
        if (guard.Check(http) is { } refused)
        {
            await ErrorResponses.WriteAsync(http, refused).ConfigureAwait(false);
            return;
        }

        var header = http.Request.Headers[McpHeaders.ProtocolVersion].ToString().AsSpan().Trim();
        if (options.Value.Stateless || EraClassifier.ClaimsModern(header))
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.MethodNotAllowed, allow: "POST").ConfigureAwait(false);
            return;
        }

        if (await SessionLookup.FindAsync(http, sessions).ConfigureAwait(false) is not { } session)
        {
            return;
        }

        if (!await sessions.RemoveAsync(session.Id, http.RequestAborted).ConfigureAwait(false))
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.SessionNotFound).ConfigureAwait(false);
            return;
        }

        LogDeleted(logger);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Session ended by the client (DELETE).")]
    private static partial void LogDeleted(ILogger logger);
}

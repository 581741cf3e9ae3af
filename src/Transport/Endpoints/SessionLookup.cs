using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Mcp.Raw.Transport.Sessions;
using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>Finds the Streamable HTTP session a GET or DELETE names: 400 without an id (TR-53), 404 when unknown (TR-54).</summary>
internal static class SessionLookup
{
    /// <summary>Returns the live, initialized session, or null after writing the refusal.</summary>
    public static async ValueTask<McpSession?> FindAsync(HttpContext http, ISessionStore sessions)
    {
        var sessionId = http.Request.Headers[McpHeaders.SessionId].ToString();
        if (sessionId.Length == 0)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.SessionIdRequired).ConfigureAwait(false);
            return null;
        }

        var session = await sessions.GetAsync(sessionId, http.RequestAborted).ConfigureAwait(false);
        // Another principal's session, or one of another mapping, is not found: a session id never authenticates (SEC-07, A-11).
        if (session is null || !session.IsInitialized || session.IsHttpSse2024 || !session.Owner.Admits(http))
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.SessionNotFound).ConfigureAwait(false);
            return null;
        }

        return session;
    }
}

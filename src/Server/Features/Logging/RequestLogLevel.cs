using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Sessions;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Logging;

/// <summary>The minimum level of <c>notifications/message</c> for a request, in each era (UT-18, M-SV-12).</summary>
internal static class RequestLogLevel
{
    /// <summary>2026-07-28: the request's <c>_meta</c> logLevel (nothing without one); 2025: the session's level.</summary>
    public static LoggingLevel? Minimum(McpRequestContext context, LoggingLevel defaultLevel)
    {
        if (context.IsModern)
        {
            return context.Message.Envelope.LogLevel;
        }

        return context.Session is { } session ? SessionState.Of(session, defaultLevel).LogLevel : defaultLevel;
    }

    /// <summary>Whether a 2026-07-28 request's logLevel is absent or a level's name (parsed once as it was read).</summary>
    public static bool IsValidModern(in RequestEnvelope envelope) =>
        envelope.LogLevel is not null || envelope.LogLevelKind == JsonValueKind.Undefined;
}

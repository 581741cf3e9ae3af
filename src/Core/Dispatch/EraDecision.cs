using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Dispatch;

/// <summary>What <see cref="EraClassifier"/> decided for one message.</summary>
internal readonly record struct EraDecision(EraDecisionKind Kind, McpProtocolVersion Version, int HttpStatus = 200, int ErrorCode = 0, string? ErrorMessage = null, string? Requested = null)
{
    public static EraDecision Sessions2025(McpProtocolVersion version) => new(EraDecisionKind.Sessions2025, version);

    public static EraDecision Modern2026(McpProtocolVersion version) => new(EraDecisionKind.Modern2026, version);

    public static EraDecision Refuse(int status, int code, string message, string? requested = null)
        => new(EraDecisionKind.Refuse, McpProtocolVersion.Unknown, status, code, message, requested);
}

/// <summary>The outcome kinds of era classification.</summary>
internal enum EraDecisionKind
{
    /// <summary>Served under the 2025 rules (sessions, <c>initialize</c>).</summary>
    Sessions2025,

    /// <summary>Served statelessly under 2026-07-28.</summary>
    Modern2026,

    /// <summary>Refused before dispatch.</summary>
    Refuse,
}

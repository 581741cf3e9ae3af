namespace Mcp.Raw.Protocol.Mcp;

/// <summary>Values of <c>cacheScope</c> (2026-07-28, M-SV-03).</summary>
public static class CacheScopes
{
    /// <summary><c>public</c>: shareable across authorisation contexts.</summary>
    public const string Public = "public";

    /// <summary><c>private</c>: only for the requester.</summary>
    public const string Private = "private";
}

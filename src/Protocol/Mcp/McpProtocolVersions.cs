using System.Diagnostics.CodeAnalysis;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// The one table of what each protocol version has. No other code branches on version strings.
/// </summary>
public static class McpProtocolVersions
{
    /// <summary><c>2024-11-05</c></summary>
    public const string V2024_11_05 = "2024-11-05";

    /// <summary><c>2025-03-26</c></summary>
    public const string V2025_03_26 = "2025-03-26";

    /// <summary><c>2025-06-18</c></summary>
    public const string V2025_06_18 = "2025-06-18";

    /// <summary><c>2025-11-25</c></summary>
    public const string V2025_11_25 = "2025-11-25";

    /// <summary><c>2026-07-28</c></summary>
    public const string V2026_07_28 = "2026-07-28";

    /// <summary>The first version with the per-request envelope; any date-like version at or after it is a modern claim.</summary>
    public const string FirstModern = V2026_07_28;

    /// <summary>The version assumed when a 2025-era request carries no <c>MCP-Protocol-Version</c> header (TR-63).</summary>
    public const McpProtocolVersion DefaultWithoutHeader = McpProtocolVersion.V2025_03_26;

    /// <summary>The newest version negotiated through <c>initialize</c> (LC-09).</summary>
    public const McpProtocolVersion LatestSessions2025 = McpProtocolVersion.V2025_11_25;

    /// <summary>The newest version.</summary>
    public const McpProtocolVersion Latest = McpProtocolVersion.V2026_07_28;

    private const McpFeatures Common2025 =
        McpFeatures.StreamableHttp | McpFeatures.Sessions | McpFeatures.Resumability | McpFeatures.AudioAndAnnotations
        | McpFeatures.ServerToClientRequests | McpFeatures.SessionUtilities | McpFeatures.ResourceNotFoundCode32002;

    /// <summary>Every version, oldest first.</summary>
    public static IReadOnlyList<McpProtocolVersion> All { get; } =
    [
        McpProtocolVersion.V2024_11_05, McpProtocolVersion.V2025_03_26, McpProtocolVersion.V2025_06_18,
        McpProtocolVersion.V2025_11_25, McpProtocolVersion.V2026_07_28,
    ];

    /// <summary>What a version has.</summary>
    public static McpFeatures GetFeatures(McpProtocolVersion version) => version switch
    {
        McpProtocolVersion.V2024_11_05 =>
            McpFeatures.HttpSse2024Transport | McpFeatures.Sessions | McpFeatures.ServerToClientRequests
            | McpFeatures.SessionUtilities | McpFeatures.ResourceNotFoundCode32002,
        McpProtocolVersion.V2025_03_26 => Common2025 | McpFeatures.Batching,
        McpProtocolVersion.V2025_06_18 =>
            Common2025 | McpFeatures.ProtocolVersionHeader | McpFeatures.StructuredToolOutput | McpFeatures.Elicitation,
        McpProtocolVersion.V2025_11_25 =>
            Common2025 | McpFeatures.ProtocolVersionHeader | McpFeatures.StructuredToolOutput | McpFeatures.Elicitation
            | McpFeatures.PrimingEvents | McpFeatures.UrlElicitation | McpFeatures.CoreTasks | McpFeatures.InputValidationAsToolError,
        McpProtocolVersion.V2026_07_28 =>
            McpFeatures.StreamableHttp | McpFeatures.ProtocolVersionHeader | McpFeatures.AudioAndAnnotations
            | McpFeatures.StructuredToolOutput | McpFeatures.Elicitation | McpFeatures.UrlElicitation
            | McpFeatures.MetaEnvelope | McpFeatures.MultiRoundTrip | McpFeatures.SubscriptionsListen
            | McpFeatures.HeaderMirroring | McpFeatures.ResultType | McpFeatures.CacheHints | McpFeatures.Discover
            | McpFeatures.CancelOnStreamClose | McpFeatures.InputValidationAsToolError,
        _ => McpFeatures.None,
    };

    /// <summary>Whether <paramref name="version"/> has every feature in <paramref name="feature"/>.</summary>
    public static bool Supports(this McpProtocolVersion version, McpFeatures feature)
        => feature != McpFeatures.None && (GetFeatures(version) & feature) == feature;

    /// <summary>Whether the version uses the per-request envelope (the 2026-07-28 era) rather than <c>initialize</c>.</summary>
    public static bool IsModern(this McpProtocolVersion version) => version.Supports(McpFeatures.MetaEnvelope);

    /// <summary>The version string, e.g. <c>2025-11-25</c>.</summary>
    public static string ToVersionString(this McpProtocolVersion version) => version switch
    {
        McpProtocolVersion.V2024_11_05 => V2024_11_05,
        McpProtocolVersion.V2025_03_26 => V2025_03_26,
        McpProtocolVersion.V2025_06_18 => V2025_06_18,
        McpProtocolVersion.V2025_11_25 => V2025_11_25,
        McpProtocolVersion.V2026_07_28 => V2026_07_28,
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    /// <summary>The version string as UTF-8.</summary>
    public static ReadOnlySpan<byte> ToUtf8(this McpProtocolVersion version) => version switch
    {
        McpProtocolVersion.V2024_11_05 => "2024-11-05"u8,
        McpProtocolVersion.V2025_03_26 => "2025-03-26"u8,
        McpProtocolVersion.V2025_06_18 => "2025-06-18"u8,
        McpProtocolVersion.V2025_11_25 => "2025-11-25"u8,
        McpProtocolVersion.V2026_07_28 => "2026-07-28"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    /// <summary>Parses a version string (exact, case-sensitive).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out McpProtocolVersion version)
    {
        version = McpProtocolVersion.Unknown;
        if (utf8.Length != 10)
        {
            return false;
        }

        // A plain loop over the enum range: no enumerator, no allocation.
        for (var v = McpProtocolVersion.V2024_11_05; v <= McpProtocolVersion.V2026_07_28; v++)
        {
            if (utf8.SequenceEqual(v.ToUtf8()))
            {
                version = v;
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses a version string (exact, case-sensitive).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out McpProtocolVersion version)
    {
        version = McpProtocolVersion.Unknown;
        if (text is null || text.Length != 10)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[10];
        for (var i = 0; i < 10; i++)
        {
            if (text[i] > 0x7F)
            {
                return false;
            }

            utf8[i] = (byte)text[i];
        }

        return TryParse(utf8, out version);
    }

    /// <summary>Whether the text has the shape of a version date, <c>YYYY-MM-DD</c>.</summary>
    public static bool IsDateLike(ReadOnlySpan<char> text)
    {
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        for (var i = 0; i < 10; i++)
        {
            if (i is 4 or 7)
            {
                continue;
            }

            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a version string claims the modern era: date-like and at or after <see cref="FirstModern"/> by
    /// ordinal comparison, known or not (M-VR-08, M-VR-24).
    /// </summary>
    public static bool IsModernClaim(ReadOnlySpan<char> text)
        => IsDateLike(text) && text.CompareTo(FirstModern, StringComparison.Ordinal) >= 0;
}

using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Dispatch;

/// <summary>
/// Which era serves a message, in one place for every transport: a POST by the classification ladder of M-VR-08
/// (header-first and body-first clients alike; every disagreement between header and body is an error, never a
/// guess), a stdio line by its body alone, and a GET or DELETE by its header (2026-07-28 has neither).
/// </summary>
internal static class EraClassifier
{
    /// <summary>The versions served through the 2026-07-28 envelope where no options say otherwise (stdio).</summary>
    public static readonly IReadOnlyList<McpProtocolVersion> DefaultModernVersions = [.. McpProtocolVersions.All.Where(v => v.IsModern()).OrderDescending()];

    /// <summary>M-RQ-01: every 2026-07-28 request declares its capabilities (<c>{}</c> for none).</summary>
    public const string MissingCapabilities = "Invalid params: params._meta[\"io.modelcontextprotocol/clientCapabilities\"] is required and must be an object.";

    /// <summary>A POSTed message, with its <c>MCP-Protocol-Version</c> header (M-VR-08).</summary>
    public static EraDecision Classify(in JsonRpcMessage message, string? header, IList<McpProtocolVersion> modernVersions)
    {
        var envelope = message.Envelope;
        var hasClaim = envelope.HasProtocolVersion;
        var headerIsModern = header is not null && McpProtocolVersions.IsModernClaim(header);

        // Step 4: initialize without a modern claim is the 2025 session handshake; with a modern header it does not exist.
        if (message.Method == McpMethod.Initialize && !hasClaim)
        {
            if (!headerIsModern)
            {
                // The header is not validated on initialize: negotiation happens in the body (TR-65).
                return EraDecision.Sessions2025(McpProtocolVersion.Unknown);
            }

            return InitializeParamsVersionDiffers(message, header!)
                ? EraDecision.Refuse(400, JsonRpcErrorCode.HeaderMismatch, "Header mismatch: MCP-Protocol-Version does not match params.protocolVersion.")
                : EraDecision.Refuse(404, JsonRpcErrorCode.MethodNotFound, "Method not found: initialize does not exist in protocol version " + Shorten(header!) + ".");
        }

        // Step 5: a header naming a version we do not serve.
        var headerVersion = McpProtocolVersion.Unknown;
        if (header is not null && !IsServed(header, modernVersions, out headerVersion))
        {
            if (hasClaim || headerIsModern || McpProtocolVersions.IsDateLike(header))
            {
                return EraDecision.Refuse(400, JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", requested: header);
            }

            return EraDecision.Refuse(400, JsonRpcErrorCode.InvalidRequest, "Bad Request: the MCP-Protocol-Version header is malformed.");
        }

        // Step 6: a modern claim in the body.
        if (hasClaim)
        {
            if (header is null)
            {
                return EraDecision.Refuse(400, JsonRpcErrorCode.HeaderMismatch, "Header mismatch: the MCP-Protocol-Version header is required and must equal params._meta's protocol version.");
            }

            if (!envelope.ProtocolVersionEquals(header))
            {
                return EraDecision.Refuse(400, JsonRpcErrorCode.HeaderMismatch, "Header mismatch: MCP-Protocol-Version does not equal params._meta's protocol version.");
            }

            if (!headerVersion.IsModern() || !modernVersions.Contains(headerVersion))
            {
                // A 2025 session-era version inside the envelope is not served (M-VR-20).
                return EraDecision.Refuse(400, JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", requested: header);
            }

            return EraDecision.Modern2026(headerVersion);
        }

        // Steps 7 and 10: a modern header without the envelope. Notifications are exempt from the _meta requirement.
        if (headerIsModern)
        {
            if (message.Kind == JsonRpcMessageKind.Notification)
            {
                return EraDecision.Modern2026(headerVersion);
            }

            if (message.Kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse)
            {
                return EraDecision.Refuse(400, JsonRpcErrorCode.InvalidRequest, "Invalid request: a 2026-07-28 client never sends responses.");
            }

            var what = envelope.MetaKind == System.Text.Json.JsonValueKind.Object
                ? "params._meta[\"io.modelcontextprotocol/protocolVersion\"]"
                : "params._meta";
            return EraDecision.Refuse(400, JsonRpcErrorCode.InvalidParams, "Invalid params: " + what + " is required in protocol version " + Shorten(header!) + ".");
        }

        // Step 8: the 2025 session eras: the header (already checked) or the session decides the version.
        return EraDecision.Sessions2025(headerVersion);
    }

    /// <summary>
    /// A stdio line: no header, so the body decides. A 2026-07-28 claim in <c>_meta</c> is served statelessly when
    /// the version is served; anything else follows the connection's 2025 session.
    /// </summary>
    public static EraDecision ClassifyHeaderless(in JsonRpcMessage message, IReadOnlyList<McpProtocolVersion> modernVersions)
    {
        if (message.Envelope.HasProtocolVersion && message.Envelope.GetProtocolVersionString() is { } claimed && McpProtocolVersions.IsModernClaim(claimed))
        {
            return McpProtocolVersions.TryParse(claimed, out var version) && version.IsModern() && modernVersions.Contains(version)
                ? EraDecision.Modern2026(version)
                : EraDecision.Refuse(400, JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", requested: claimed);
        }

        return EraDecision.Sessions2025(McpProtocolVersion.Unknown);
    }

    /// <summary>A GET or DELETE: whether it claims 2026-07-28, which has neither (M-TR-23, M-TR-24).</summary>
    public static bool ClaimsModern(ReadOnlySpan<char> header) => McpProtocolVersions.IsModernClaim(header);

    /// <summary>Whether a header names a version this server serves; the version when known.</summary>
    public static bool IsServed(string header, IList<McpProtocolVersion> modernVersions, out McpProtocolVersion version)
    {
        if (!McpProtocolVersions.TryParse(header, out version))
        {
            return false;
        }

        return !version.IsModern() || modernVersions.Contains(version);
    }

    /// <summary>The data of a -32022 error: the 2026-07-28-era versions served, and the one asked for (M-VR-02).</summary>
    public static UnsupportedProtocolVersionErrorData UnsupportedVersion(string requested, IEnumerable<McpProtocolVersion> modernVersions) => new()
    {
        Supported = [.. modernVersions.Select(v => v.ToVersionString())],
        Requested = requested,
    };

    private static bool InitializeParamsVersionDiffers(in JsonRpcMessage message, string header)
    {
        if (!message.HasParams)
        {
            return true;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(message.Params);
            return !doc.RootElement.TryGetProperty("protocolVersion", out var v)
                || v.ValueKind != System.Text.Json.JsonValueKind.String
                || !string.Equals(v.GetString(), header, StringComparison.Ordinal);
        }
        catch (System.Text.Json.JsonException)
        {
            return true;
        }
    }

    /// <summary>Client text in messages is capped (never echo more than a short prefix).</summary>
    internal static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}

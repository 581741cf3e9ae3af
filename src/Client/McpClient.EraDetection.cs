using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Client;

// Era detection (M-CL-10, TR-68): which era and transport the server speaks. 2026-07-28 first (server/discover),
// then the 2025 initialize handshake, then the 2024-11-05 HTTP+SSE transport.
public sealed partial class McpClient
{
    private async Task ConnectHttpAsync(CancellationToken cancellationToken)
    {
        var http = new StreamableHttpConnection(_http!, _url!, _options, OnIncomingAsync);
        _connection = http;
        Transport = McpClientTransport.StreamableHttp;
        var preferred = _options.ProtocolVersion;
        McpProtocolVersion? sessionsVersion = preferred.IsModern() ? null : preferred;
        if (preferred.IsModern())
        {
            try
            {
                if (await TryDiscoverAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (HttpStatusException e) when (e.Status is 401 or 403)
            {
                throw new McpClientException($"The server requires authorization (HTTP {e.Status}).", e);
            }
            catch (HttpStatusException e) when (e.Status is >= 400 and < 500)
            {
                // Step 4: 400/404/405 without a JSON-RPC body: a 2025 server.
            }

            sessionsVersion = _discoveredSessions2025;
        }

        http.ProtocolVersion = null;
        try
        {
            await InitializeAsync(sessionsVersion ?? McpProtocolVersions.LatestSessions2025, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (HttpStatusException e) when (e.Status is 400 or 404 or 405)
        {
            // TR-68: not Streamable HTTP; try the 2024-11-05 HTTP+SSE transport at the same URL.
        }

        await http.DisposeAsync().ConfigureAwait(false);
        var sse = await HttpSse2024Connection.ConnectAsync(_http!, _url!, _options, OnIncomingAsync, cancellationToken).ConfigureAwait(false)
            ?? throw new McpClientException($"{_url} is not an MCP endpoint: server/discover, initialize and the HTTP+SSE GET all failed.");
        _connection = sse;
        Transport = McpClientTransport.HttpSse2024;
        await InitializeAsync(McpProtocolVersion.V2024_11_05, cancellationToken).ConfigureAwait(false);
    }

    private McpProtocolVersion? _discoveredSessions2025;

    /// <summary>Probes with server/discover at 2026-07-28; true when the server speaks it (M-CL-10 steps 1-3, M-CL-11).</summary>
    private async Task<bool> TryDiscoverAsync(CancellationToken cancellationToken)
    {
        ProtocolVersion = McpProtocolVersions.Latest;
        if (_connection is StreamableHttpConnection http)
        {
            http.ProtocolVersion = McpProtocolVersions.V2026_07_28;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                var result = await RequestAsync("server/discover", null, null, null, cancellationToken).ConfigureAwait(false);
                DiscoverResult discover;
                try
                {
                    discover = Read(result, McpJsonContext.Default.DiscoverResult);
                }
                catch (McpClientException)
                {
                    // A result that is no DiscoverResult (some 2025 servers answer unknown methods with {}): not modern.
                    return false;
                }

                if (discover.SupportedVersions.Contains(McpProtocolVersions.V2026_07_28))
                {
                    ServerCapabilities = discover.Capabilities;
                    Instructions = discover.Instructions;
                    ServerInfo = discover.Meta is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty(MetaKeys.ServerInfo, out var info)
                        ? info.Deserialize(McpJsonContext.Default.Implementation)
                        : result.TryGetProperty("serverInfo", out var top) ? top.Deserialize(McpJsonContext.Default.Implementation) : null;
                    return true;
                }

                _discoveredSessions2025 = BestSessions2025(discover.SupportedVersions);
                return false;
            }
            catch (McpClientException e) when (e.Code == JsonRpcErrorCode.UnsupportedProtocolVersion)
            {
                var supported = e.ErrorData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("supported", out var s) && s.ValueKind == JsonValueKind.Array
                    ? s.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
                    : [];
                if (supported.Contains(McpProtocolVersions.V2026_07_28) && attempt == 0)
                {
                    continue;
                }

                _discoveredSessions2025 = BestSessions2025(supported);
                if (_discoveredSessions2025 is null && supported.Count > 0)
                {
                    throw new McpClientException(JsonRpcErrorCode.UnsupportedProtocolVersion, $"The server supports none of our versions ({string.Join(", ", supported)}).", e.ErrorData);
                }

                return false;
            }
            catch (McpClientException e) when (e.Code is JsonRpcErrorCode.HeaderMismatch or JsonRpcErrorCode.MissingRequiredClientCapability)
            {
                // A modern server that refused our request: never fall back (M-CL-10 step 3).
                throw;
            }
            catch (McpClientException e) when (e.Code != 0)
            {
                // Any other JSON-RPC error (-32601, -32600, -32602, -32000, ...): a 2025 server.
                return false;
            }
        }

        return false;
    }

    private static McpProtocolVersion? BestSessions2025(IEnumerable<string> versions)
    {
        McpProtocolVersion? best = null;
        foreach (var v in versions)
        {
            if (McpProtocolVersions.TryParse(v, out var parsed) && !parsed.IsModern() && (best is null || parsed > best))
            {
                best = parsed;
            }
        }

        return best;
    }

    /// <summary>The 2025 lifecycle: initialize, check the version, notifications/initialized, GET stream (LC-01..LC-10).</summary>
    private async Task InitializeAsync(McpProtocolVersion version, CancellationToken cancellationToken)
    {
        ProtocolVersion = version;
        var request = new InitializeRequestParams { ProtocolVersion = version.ToVersionString(), Capabilities = Capabilities, ClientInfo = _options.ClientInfo };
        var p = ToDictionary(JsonSerializer.SerializeToElement(request, McpJsonContext.Default.InitializeRequestParams));
        var result = await RequestAsync("initialize", p, null, null, cancellationToken, allowReinitialize: false).ConfigureAwait(false);
        var init = Read(result, McpJsonContext.Default.InitializeResult);
        if (!McpProtocolVersions.TryParse(init.ProtocolVersion, out var negotiated) || negotiated.IsModern())
        {
            // LC-10: a version we do not speak: leave (the dispose DELETEs the session).
            throw new McpClientException($"The server answered initialize with protocol version '{init.ProtocolVersion}', which this client does not support.");
        }

        ProtocolVersion = negotiated;
        ServerInfo = init.ServerInfo;
        ServerCapabilities = init.Capabilities;
        Instructions = init.Instructions;
        if (_connection is StreamableHttpConnection http)
        {
            http.ProtocolVersion = negotiated.ToVersionString();
        }

        await _connection.SendAsync(BuildNotification("notifications/initialized", null), cancellationToken).ConfigureAwait(false);
        if (_connection is StreamableHttpConnection stream && stream.SessionId is not null && _options.OpenServerStream)
        {
            stream.StartServerStream();
        }
    }
}

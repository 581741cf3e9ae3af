using System.Diagnostics.CodeAnalysis;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>Whether a batch body may be served under a protocol version (JR-12, JR-13, JR-14, M-TR-03).</summary>
public static class McpBatchRules
{
    /// <summary>
    /// A batch is allowed only where the version has batching (2025-03-26), never holds <c>initialize</c>, and never
    /// holds a message carrying the 2026-07-28 envelope. Single messages are always allowed here.
    /// </summary>
    public static bool IsAllowed(in JsonRpcPayload payload, McpProtocolVersion version, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (!payload.IsBatch)
        {
            return true;
        }

        if (!version.Supports(McpFeatures.Batching))
        {
            reason = "JSON-RPC batches are not supported in this protocol version; send one message per request.";
            return false;
        }

        for (var i = 0; i < payload.Count; i++)
        {
            var item = payload[i];
            if (!item.IsValid)
            {
                continue;
            }

            if (item.Message.Method == McpMethod.Initialize)
            {
                reason = "initialize must not be part of a batch.";
                return false;
            }

            if (item.Message.Envelope.HasProtocolVersion)
            {
                reason = "a message carrying the 2026-07-28 envelope must not be part of a batch.";
                return false;
            }
        }

        return true;
    }
}

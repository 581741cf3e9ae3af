using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Discovery;

/// <summary><c>server/discover</c> (2026-07-28): versions, capabilities, instructions and cache hints.</summary>
internal sealed class DiscoverHandler(McpServer server) : RequestHandler(server)
{
    private static readonly string[] s_supportedVersions =
        [.. McpProtocolVersions.All.OrderDescending().Select(v => v.ToVersionString())];

    public override McpMethod Method => McpMethod.ServerDiscover;

    public override Eras Eras => Eras.Modern2026;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var options = Server.Options;
        await context.RespondAsync(new DiscoverResult
        {
            ResultType = ResultTypes.Complete,
            SupportedVersions = s_supportedVersions,
            Capabilities = Server.GetCapabilities(),
            Instructions = options.Instructions,
            TtlMs = (long)options.ListCacheTtl.TotalMilliseconds,
            CacheScope = options.CacheScope,
            Meta = Server.ServerInfoMeta,
        }, McpJsonContext.Default.DiscoverResult).ConfigureAwait(false);
    }
}

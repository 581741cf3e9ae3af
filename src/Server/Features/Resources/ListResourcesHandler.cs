using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Resources;

/// <summary><c>resources/list</c>: the direct resources (SV-14, UT-26).</summary>
internal sealed class ListResourcesHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.ResourcesList;

    public override bool IsAvailable => Server.HasResources;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var items = Server.Resources.Items;
        var (start, end, next) = Pagination.Page(context, items.Count, Server.Options.PageSize);
        var modern = context.IsModern;
        await context.RespondAsync(new ListResourcesResult
        {
            Resources = [.. items.Skip(start).Take(end - start).Select(p => p.Definition)],
            NextCursor = next,
            ResultType = modern ? ResultTypes.Complete : null,
            TtlMs = modern ? Server.ListTtl : null,
            CacheScope = modern ? Server.Options.CacheScope : null,
            Meta = modern ? Server.ServerInfoMeta : null,
        }, McpJsonContext.Default.ListResourcesResult).ConfigureAwait(false);
    }
}

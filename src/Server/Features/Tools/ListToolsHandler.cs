using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Tools;

/// <summary><c>tools/list</c> (SV-01..SV-03, UT-26; 2026-07-28 cache fields, M-SV-03).</summary>
internal sealed class ListToolsHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.ToolsList;

    public override bool IsAvailable => Server.Tools.Count > 0;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var items = Server.Tools.Items;
        var (start, end, next) = Pagination.Page(context, items.Count, Server.Options.PageSize);
        var tools = new Tool[end - start];
        for (var i = start; i < end; i++)
        {
            tools[i - start] = items[i].Definition;
        }

        var modern = context.IsModern;
        await context.RespondAsync(new ListToolsResult
        {
            Tools = tools,
            NextCursor = next,
            ResultType = modern ? ResultTypes.Complete : null,
            TtlMs = modern ? Server.ListTtl : null,
            CacheScope = modern ? Server.Options.CacheScope : null,
            Meta = modern ? Server.ServerInfoMeta : null,
        }, McpJsonContext.Default.ListToolsResult).ConfigureAwait(false);
    }
}

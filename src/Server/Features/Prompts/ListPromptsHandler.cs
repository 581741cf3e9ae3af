using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Prompts;

/// <summary><c>prompts/list</c> (SV-23, UT-26).</summary>
internal sealed class ListPromptsHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.PromptsList;

    public override bool IsAvailable => Server.Prompts.Count > 0;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var items = Server.Prompts.Items;
        var (start, end, next) = Pagination.Page(context, items.Count, Server.Options.PageSize);
        var modern = context.IsModern;
        await context.RespondAsync(new ListPromptsResult
        {
            Prompts = [.. items.Skip(start).Take(end - start).Select(p => p.Definition)],
            NextCursor = next,
            ResultType = modern ? ResultTypes.Complete : null,
            TtlMs = modern ? Server.ListTtl : null,
            CacheScope = modern ? Server.Options.CacheScope : null,
            Meta = modern ? Server.ServerInfoMeta : null,
        }, McpJsonContext.Default.ListPromptsResult).ConfigureAwait(false);
    }
}

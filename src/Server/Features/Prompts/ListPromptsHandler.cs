using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;

namespace Mcp.Raw.Server.Features.Prompts;

/// <summary><c>prompts/list</c> (SV-23, UT-26).</summary>
internal sealed class ListPromptsHandler(McpServer server) : ListHandler<McpServerPrompt, Prompt, ListPromptsResult>(server)
{
    public override McpMethod Method => McpMethod.PromptsList;

    public override bool IsAvailable => Server.Prompts.Count > 0;

    protected override IReadOnlyList<McpServerPrompt> Items => Server.Prompts.Items;

    protected override JsonTypeInfo<ListPromptsResult> ResultTypeInfo => McpJsonContext.Default.ListPromptsResult;

    protected override Prompt DefinitionOf(McpServerPrompt primitive) => primitive.Definition;

    protected override ListPromptsResult ResultOf(ListPage<Prompt> page) => new()
    {
        Prompts = page.Items,
        NextCursor = page.NextCursor,
        ResultType = page.ResultType,
        TtlMs = page.TtlMs,
        CacheScope = page.CacheScope,
        Meta = page.Meta,
    };
}

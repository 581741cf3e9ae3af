using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;

namespace Mcp.Raw.Server.Features.Tools;

/// <summary><c>tools/list</c> (SV-01..SV-03, UT-26; 2026-07-28 cache fields, M-SV-03).</summary>
internal sealed class ListToolsHandler(McpServer server) : ListHandler<McpServerTool, Tool, ListToolsResult>(server)
{
    public override McpMethod Method => McpMethod.ToolsList;

    public override bool IsAvailable => Server.Tools.Count > 0;

    protected override IReadOnlyList<McpServerTool> Items => Server.Tools.Items;

    protected override JsonTypeInfo<ListToolsResult> ResultTypeInfo => McpJsonContext.Default.ListToolsResult;

    protected override Tool DefinitionOf(McpServerTool primitive) => primitive.Definition;

    protected override ListToolsResult ResultOf(ListPage<Tool> page) => new()
    {
        Tools = page.Items,
        NextCursor = page.NextCursor,
        ResultType = page.ResultType,
        TtlMs = page.TtlMs,
        CacheScope = page.CacheScope,
        Meta = page.Meta,
    };
}

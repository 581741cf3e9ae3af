using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;

namespace Mcp.Raw.Server.Features.Resources;

/// <summary><c>resources/templates/list</c> (SV-17, UT-26).</summary>
internal sealed class ListResourceTemplatesHandler(McpServer server) : ListHandler<McpServerResourceTemplate, ResourceTemplate, ListResourceTemplatesResult>(server)
{
    public override McpMethod Method => McpMethod.ResourcesTemplatesList;

    public override bool IsAvailable => Server.HasResources;

    protected override IReadOnlyList<McpServerResourceTemplate> Items => Server.ResourceTemplates.Items;

    protected override JsonTypeInfo<ListResourceTemplatesResult> ResultTypeInfo => McpJsonContext.Default.ListResourceTemplatesResult;

    protected override ResourceTemplate DefinitionOf(McpServerResourceTemplate primitive) => primitive.Definition;

    protected override ListResourceTemplatesResult ResultOf(ListPage<ResourceTemplate> page) => new()
    {
        ResourceTemplates = page.Items,
        NextCursor = page.NextCursor,
        ResultType = page.ResultType,
        TtlMs = page.TtlMs,
        CacheScope = page.CacheScope,
        Meta = page.Meta,
    };
}

using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;

namespace Mcp.Raw.Server.Features.Resources;

/// <summary><c>resources/list</c>: the direct resources (SV-14, UT-26).</summary>
internal sealed class ListResourcesHandler(McpServer server) : ListHandler<McpServerResource, Resource, ListResourcesResult>(server)
{
    public override McpMethod Method => McpMethod.ResourcesList;

    public override bool IsAvailable => Server.HasResources;

    protected override IReadOnlyList<McpServerResource> Items => Server.Resources.Items;

    protected override JsonTypeInfo<ListResourcesResult> ResultTypeInfo => McpJsonContext.Default.ListResourcesResult;

    protected override Resource DefinitionOf(McpServerResource primitive) => primitive.Definition;

    protected override ListResourcesResult ResultOf(ListPage<Resource> page) => new()
    {
        Resources = page.Items,
        NextCursor = page.NextCursor,
        ResultType = page.ResultType,
        TtlMs = page.TtlMs,
        CacheScope = page.CacheScope,
        Meta = page.Meta,
    };
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Dispatch;

/// <summary>
/// The one shape of the four list methods (<c>tools/list</c>, <c>prompts/list</c>, <c>resources/list</c>,
/// <c>resources/templates/list</c>): a page of the registered definitions (UT-26..UT-27, cursors by
/// <see cref="Pagination"/>) and, in 2026-07-28, the cache fields (M-SV-03). A list handler says only where its items
/// are and how its result is made.
/// </summary>
internal abstract class ListHandler<TPrimitive, TDefinition, TResult>(McpServer server) : RequestHandler(server)
{
    /// <summary>The registered primitives, in registration order (a snapshot).</summary>
    protected abstract IReadOnlyList<TPrimitive> Items { get; }

    /// <summary>How the result is serialized.</summary>
    protected abstract JsonTypeInfo<TResult> ResultTypeInfo { get; }

    /// <summary>The definition a client sees.</summary>
    protected abstract TDefinition DefinitionOf(TPrimitive primitive);

    /// <summary>The result for one page.</summary>
    protected abstract TResult ResultOf(ListPage<TDefinition> page);

    public sealed override async Task HandleAsync(McpRequestContext context)
    {
        var items = Items;
        var (start, end, next) = Pagination.Page(context, items.Count, Server.Options.PageSize);
        var definitions = new TDefinition[end - start];
        for (var i = start; i < end; i++)
        {
            definitions[i - start] = DefinitionOf(items[i]);
        }

        var page = context.IsModern
            ? new ListPage<TDefinition>(definitions, next, ResultTypes.Complete, Server.ListTtl, Server.Options.CacheScope, Server.ServerInfoMeta)
            : new ListPage<TDefinition>(definitions, next, null, null, null, null);
        await context.RespondAsync(ResultOf(page), ResultTypeInfo).ConfigureAwait(false);
    }
}

/// <summary>One page of a list result: its items, the next cursor, and the 2026-07-28 cache fields (null before).</summary>
internal readonly record struct ListPage<TDefinition>(
    TDefinition[] Items, string? NextCursor, string? ResultType, long? TtlMs, string? CacheScope, JsonElement? Meta);

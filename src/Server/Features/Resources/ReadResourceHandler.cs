using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Features.InputRounds;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Resources;

/// <summary><c>resources/read</c> (SV-15..SV-20, M-SV-11): a direct resource, else the first template that matches.</summary>
internal sealed class ReadResourceHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.ResourcesRead;

    public override bool IsAvailable => Server.HasResources;

    public override async Task HandleAsync(McpRequestContext context)
    {
        using var document = RequestParams.Parse(context);
        var root = document.RootElement;
        var uri = RequestParams.RequireString(root, "uri", "resources/read needs params.uri.");
        McpResourceHandler? handler = null;
        if (Server.Resources.TryGet(uri, out var resource))
        {
            handler = resource.Handler;
        }
        else
        {
            foreach (var template in Server.ResourceTemplates.Items)
            {
                if (template.Template.TryMatch(uri, out var variables))
                {
                    var matched = template;
                    handler = c => matched.Handler(c, variables);
                    break;
                }
            }
        }

        if (handler is null)
        {
            // M-SV-11: -32602 in 2026-07-28; SV-20: -32002 with data.uri before. Never an empty contents.
            var data = JsonSerializer.SerializeToElement(new ResourceNotFoundErrorData { Uri = uri }, McpJsonContext.Default.ResourceNotFoundErrorData);
            throw new McpException(context.IsModern ? JsonRpcErrorCode.InvalidParams : JsonRpcErrorCode.ResourceNotFound, $"Resource not found: {ClientText.Clip(uri)}", data);
        }

        using var mcp = InputRound.CreateContext(Server, context, McpMethods.ResourcesRead, uri, default, root);
        ReadResourceResult result;
        try
        {
            result = await handler(mcp).ConfigureAwait(false);
        }
        catch (InputRequiredException input) when (context.IsModern)
        {
            await InputRound.RespondInputRequiredAsync(Server, context, McpMethods.ResourcesRead, uri, default, mcp, input).ConfigureAwait(false);
            return;
        }

        if (result.Contents.Count == 0)
        {
            throw new McpException(JsonRpcErrorCode.InternalError, $"Resource {uri} produced no contents.");
        }

        if (context.IsModern)
        {
            result.ResultType ??= ResultTypes.Complete;
            result.TtlMs ??= (long)Server.Options.ReadCacheTtl.TotalMilliseconds;
            result.CacheScope ??= Server.Options.CacheScope;
            result.Meta ??= Server.ServerInfoMeta;
        }

        await context.RespondAsync(result, McpJsonContext.Default.ReadResourceResult).ConfigureAwait(false);
    }
}

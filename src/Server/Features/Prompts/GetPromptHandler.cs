using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Features.InputRounds;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Prompts;

/// <summary><c>prompts/get</c> (SV-24..SV-26): string arguments, the required ones checked before the handler runs.</summary>
internal sealed class GetPromptHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.PromptsGet;

    public override bool IsAvailable => Server.Prompts.Count > 0;

    public override async Task HandleAsync(McpRequestContext context)
    {
        using var document = RequestParams.Parse(context);
        var root = document.RootElement;
        var name = RequestParams.RequireString(root, "name", "prompts/get needs params.name.");
        if (!Server.Prompts.TryGet(name, out var prompt))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Unknown prompt: '{ClientText.Clip(name)}'.");
        }

        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var rawArguments = default(JsonElement);
        if (root.TryGetProperty("arguments", out var args) && args.ValueKind != JsonValueKind.Null)
        {
            if (args.ValueKind != JsonValueKind.Object)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: prompt arguments must be an object of strings.");
            }

            rawArguments = args;
            foreach (var arg in args.EnumerateObject())
            {
                if (arg.Value.ValueKind != JsonValueKind.String)
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: prompt argument '{ClientText.Clip(arg.Name)}' must be a string.");
                }

                arguments[arg.Name] = arg.Value.GetString()!;
            }
        }

        foreach (var declared in prompt.Definition.Arguments ?? [])
        {
            if (declared.Required == true && !arguments.ContainsKey(declared.Name))
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: prompt '{name}' needs argument '{declared.Name}'.");
            }
        }

        using var mcp = InputRound.CreateContext(Server, context, McpMethods.PromptsGet, name, rawArguments, root);
        GetPromptResult result;
        try
        {
            result = await prompt.Handler(mcp, arguments).ConfigureAwait(false);
        }
        catch (InputRequiredException input) when (context.IsModern)
        {
            await InputRound.RespondInputRequiredAsync(Server, context, McpMethods.PromptsGet, name, rawArguments, mcp, input).ConfigureAwait(false);
            return;
        }

        if (context.IsModern)
        {
            result.ResultType ??= ResultTypes.Complete;
            result.Meta ??= Server.ServerInfoMeta;
        }

        await context.RespondAsync(result, McpJsonContext.Default.GetPromptResult).ConfigureAwait(false);
    }
}

using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Completion;

/// <summary><c>completion/complete</c> (UT-22..UT-25): a prompt's or a resource template's argument values.</summary>
internal sealed class CompleteHandler(McpServer server) : RequestHandler(server)
{
    /// <summary>UT-24: at most 100 values; total tells how many there were.</summary>
    private const int MaxValues = 100;

    public override McpMethod Method => McpMethod.CompletionComplete;

    public override bool IsAvailable => Server.Prompts.Count + Server.ResourceTemplates.Count > 0;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.CompleteRequestParams)
            ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: completion/complete needs ref and argument.");
        McpCompletionHandler? handler;
        switch (request.Ref.Type)
        {
            case "ref/prompt":
                if (request.Ref.Name is not { } promptName || !Server.Prompts.TryGet(promptName, out var prompt))
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: unknown prompt '{ClientText.Clip(request.Ref.Name)}'.");
                }

                handler = prompt.Complete;
                break;
            case "ref/resource":
                var template = Server.ResourceTemplates.Items.FirstOrDefault(t => t.Definition.UriTemplate == request.Ref.Uri);
                if (template is null && (request.Ref.Uri is null || !Server.Resources.TryGet(request.Ref.Uri, out _)))
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: unknown resource or template '{ClientText.Clip(request.Ref.Uri)}'.");
                }

                handler = template?.Complete;
                break;
            default:
                throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: ref.type must be ref/prompt or ref/resource, not '{ClientText.Clip(request.Ref.Type)}'.");
        }

        IReadOnlyDictionary<string, string>? contextArguments = request.Context?.Arguments is { } ca ? new Dictionary<string, string>(ca, StringComparer.Ordinal) : null;
        var values = handler is null ? [] : (await handler(request.Argument.Name, request.Argument.Value, contextArguments).ConfigureAwait(false)).ToList();

        await context.RespondAsync(new CompleteResult
        {
            Completion = new Mcp.Raw.Protocol.Mcp.Completion { Values = values.Count > MaxValues ? values.GetRange(0, MaxValues) : values, Total = values.Count, HasMore = values.Count > MaxValues },
            ResultType = context.IsModern ? ResultTypes.Complete : null,
            Meta = context.IsModern ? Server.ServerInfoMeta : null,
        }, McpJsonContext.Default.CompleteResult).ConfigureAwait(false);
    }
}

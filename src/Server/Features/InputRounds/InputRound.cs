using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.InputRounds;

/// <summary>
/// MRTR, the 2026-07-28 way of asking the client for input (M-MR-*): a handler that needs input gets an
/// <c>InputRequiredResult</c> answer with a signed <c>requestState</c>; the client's retry carries the answers
/// (<c>inputResponses</c>) and the state back, which is verified against the request, its arguments and its caller.
/// Used by <c>tools/call</c>, <c>prompts/get</c> and <c>resources/read</c>.
/// </summary>
internal static class InputRound
{
    /// <summary>The handler's context, with the answers and state of this retry (2026-07-28) or none (2025 eras).</summary>
    public static McpContext CreateContext(McpServer server, McpRequestContext context, string method, string name, JsonElement arguments, JsonElement root)
    {
        if (!context.IsModern)
        {
            return new McpContext(server, context, name, arguments, null, false, null);
        }

        Dictionary<string, JsonElement>? answers = null;
        var verified = false;
        JsonElement? toolState = null;
        if (root.TryGetProperty("requestState", out var state))
        {
            if (state.ValueKind != JsonValueKind.String || state.GetString() is not { } text || text.Length > server.Options.MaxRequestStateLength)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: requestState must be the string this server issued.");
            }

            var contents = server.StateProtector.Open(text, out var error)
                ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: " + error + "");
            if (contents.Method != method || contents.Name != name || contents.ArgumentsDigest != RequestStateProtector.DigestArguments(arguments)
                || contents.Principal != RequestStateProtector.DigestPrincipal(context.User))
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: requestState belongs to a different request.");
            }

            answers = contents.Answers;
            verified = true;
            toolState = contents.ToolState;
        }

        if (root.TryGetProperty("inputResponses", out var responses))
        {
            // M-MR-14: malformed input is a JSON-RPC error; unknown keys are ignored; missing answers are asked again.
            if (responses.ValueKind != JsonValueKind.Object)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: inputResponses must be an object mapping each inputRequests key to its result.");
            }

            answers ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var response in responses.EnumerateObject())
            {
                if (response.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: inputResponses[\"{response.Name}\"] must be an ElicitResult, CreateMessageResult or ListRootsResult object.");
                }

                answers[response.Name] = response.Value.Clone();
            }
        }

        return new McpContext(server, context, name, arguments, answers, verified, toolState);
    }

    /// <summary>Answers with the input the handler asked for and the sealed state of this round (M-MR-03).</summary>
    public static async Task RespondInputRequiredAsync(McpServer server, McpRequestContext context, string method, string name, JsonElement arguments, McpContext mcp, InputRequiredException input)
    {
        var carried = mcp.ConsumedAnswers ?? new Dictionary<string, JsonElement>();
        var state = server.StateProtector.Seal(method, name, RequestStateProtector.DigestArguments(arguments), RequestStateProtector.DigestPrincipal(context.User), server.Options.RequestStateLifetime, carried, mcp.State);
        await context.RespondAsync(new InputRequiredResult
        {
            ResultType = ResultTypes.InputRequired,
            InputRequests = input.Requests,
            RequestState = state,
            Meta = server.ServerInfoMeta,
        }, McpJsonContext.Default.InputRequiredResult).ConfigureAwait(false);
    }
}

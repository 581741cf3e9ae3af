using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Dispatch;

/// <summary>
/// How a handler's exception becomes the answer: <see cref="McpException"/> with its code and data (a missing client
/// capability in 2026-07-28 with <c>requiredCapabilities</c>), malformed params as -32602 saying what was wrong.
/// </summary>
internal static class ErrorMapping
{
    public static async ValueTask RespondAsync(McpRequestContext context, McpException e)
    {
        if (e is McpMissingCapabilityException missing && context.IsModern)
        {
            var data = MissingCapabilityData(missing);
            await context.RespondErrorAsync(e.Code, e.Message, data, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
            return;
        }

        if (e.ErrorData is { } errorData)
        {
            await context.RespondErrorAsync(e.Code, e.Message, errorData, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
        }
        else
        {
            await context.RespondErrorAsync(e.Code, e.Message).ConfigureAwait(false);
        }
    }

    public static ValueTask RespondAsync(McpRequestContext context, JsonException e) =>
        context.RespondErrorAsync(JsonRpcErrorCode.InvalidParams, "Invalid params: " + JsonErrorText.Describe(e) + ".");

    /// <summary>The <c>data</c> of a -32021 error: <c>{requiredCapabilities}</c> naming the missing capability (M-MR-05).</summary>
    public static JsonElement MissingCapabilityData(McpMissingCapabilityException missing) =>
        JsonSerializer.SerializeToElement(
            new MissingRequiredClientCapabilityErrorData { RequiredCapabilities = RequiredCapability(missing.Capability) },
            McpJsonContext.Default.MissingRequiredClientCapabilityErrorData);

    private static ClientCapabilities RequiredCapability(string name) => name switch
    {
        "sampling" => new ClientCapabilities { Sampling = McpServer.EmptyObject },
        "elicitation" => new ClientCapabilities { Elicitation = McpServer.EmptyObject },
        "roots" => new ClientCapabilities { Roots = new CapabilityOptions() },

        // An extension, by its identifier (the tasks extension: T-03, T-04).
        _ when name.Contains('/', StringComparison.Ordinal) => new ClientCapabilities { Extensions = new Dictionary<string, JsonElement> { [name] = McpServer.EmptyObject } },
        _ => new ClientCapabilities(),
    };
}

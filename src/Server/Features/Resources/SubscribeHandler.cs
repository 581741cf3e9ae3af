using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Sessions;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Resources;

/// <summary>
/// <c>resources/subscribe</c> and <c>resources/unsubscribe</c> (2025 session eras, SV-18, SV-19): the session's set
/// of URIs whose updates it gets, capped by <see cref="McpServerOptions.MaxSubscriptionsPerSession"/> (429).
/// 2026-07-28 subscribes through <c>subscriptions/listen</c> instead.
/// </summary>
internal sealed class SubscribeHandler(McpServer server, bool subscribe) : RequestHandler(server)
{
    public override McpMethod Method => subscribe ? McpMethod.ResourcesSubscribe : McpMethod.ResourcesUnsubscribe;

    public override Eras Eras => Eras.Sessions2025;

    public override bool IsAvailable => Server.HasResources;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.ResourceUriParams)
            ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: needs uri.");
        if (context.Session is { } session)
        {
            var max = Server.Options.MaxSubscriptionsPerSession;
            var subscriptions = SessionState.Of(session, Server.Options.DefaultLogLevel).Subscriptions;
            if (subscribe && !subscriptions.ContainsKey(request.Uri) && subscriptions.Count >= max)
            {
                await context.RespondLimitReachedAsync(429, $"Too Many Requests: this session has its most ({max}) resource subscriptions; unsubscribe from one first.", TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                return;
            }

            if (subscribe)
            {
                subscriptions[request.Uri] = 0;
            }
            else
            {
                subscriptions.TryRemove(request.Uri, out _);
            }
        }

        await context.RespondAsync(McpServer.EmptyObject, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
    }
}

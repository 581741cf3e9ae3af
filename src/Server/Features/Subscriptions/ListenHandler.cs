using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Server.Features.Subscriptions;

/// <summary>
/// <c>subscriptions/listen</c> (2026-07-28, M-SB-01..M-SB-13): acknowledges what it honours, then streams the
/// changes it asked for until the client closes the stream (nothing more is sent) or the server stops (the listen
/// result ends it gracefully).
/// </summary>
internal sealed class ListenHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.SubscriptionsListen;

    public override Eras Eras => Eras.Modern2026;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.SubscriptionsListenRequestParams);
        if (request?.Notifications is not { } filter)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: subscriptions/listen needs params.notifications.");
        }

        // M-SB-04: honour only what this server advertises.
        var options = Server.Options;
        var announce = options.AnnounceListChanges;
        var tools = announce && filter.ToolsListChanged == true && Server.Tools.Count > 0;
        var prompts = announce && filter.PromptsListChanged == true && Server.Prompts.Count > 0;
        var resources = announce && filter.ResourcesListChanged == true && Server.HasResources;
        if (filter.ResourceSubscriptions is { } requested && requested.Count > options.MaxSubscriptionsPerSession)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: a listen stream names at most {options.MaxSubscriptionsPerSession} resources.");
        }

        var uris = Server.HasResources && filter.ResourceSubscriptions is { Count: > 0 } list ? list.Distinct(StringComparer.Ordinal).ToArray() : null;

        // The tasks extension (T-24): notifications.taskIds, only for a request that declares it, only the caller's tasks.
        var requestedTasks = ReadTaskIds(context);
        var taskIds = requestedTasks is null ? null : await Server.AcceptTaskFollowersAsync(context, requestedTasks).ConfigureAwait(false);
        var honoured = new SubscriptionFilter
        {
            ToolsListChanged = tools ? true : null,
            PromptsListChanged = prompts ? true : null,
            ResourcesListChanged = resources ? true : null,
            ResourceSubscriptions = uris,
        };

        var meta = SubscriptionMeta(context.Message.Id);
        var principal = SessionOwner.GetPrincipalKey(context.User);
        var listeners = Server.Listeners;
        if (listeners.TryOpen(principal) is { } full)
        {
            var (status, text) = full == ListenLimit.Server
                ? (503, "Service Unavailable: the server has its most subscription streams open; retry later.")
                : (429, "Too Many Requests: this principal has its most subscription streams open; close one first.");
            await context.RespondLimitReachedAsync(status, text, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return;
        }

        var listener = new Listener(tools, prompts, resources, uris, taskIds is { Length: > 0 } ? taskIds : null);
        listeners.Add(listener);
        if (listener.TaskIds is { } followed)
        {
            // A followed task may have changed between its acceptance and now: its state as it is opens the stream.
            await Server.AnnounceTaskStatesAsync(listener, followed, context.Cancellation).ConfigureAwait(false);
        }
        try
        {
            // M-SB-03: the acknowledgement is the first message, tagged with the subscription id (M-SB-05).
            var ack = JsonSerializer.SerializeToUtf8Bytes(new SubscriptionsAcknowledgedNotificationParams { Notifications = honoured, Meta = meta }, McpJsonContext.Default.SubscriptionsAcknowledgedNotificationParams);
            if (taskIds is not null)
            {
                // The ack echoes the accepted task ids (T-24); the generated filter has no member for them.
                var node = System.Text.Json.Nodes.JsonNode.Parse(ack)!;
                node["notifications"]!["taskIds"] = new System.Text.Json.Nodes.JsonArray([.. taskIds.Select(id => (System.Text.Json.Nodes.JsonNode?)id)]);
                var buffer = new ArrayBufferWriter<byte>(ack.Length + 64);
                using (var json = new Utf8JsonWriter(buffer))
                {
                    node.WriteTo(json);
                }

                ack = buffer.WrittenSpan.ToArray();
            }

            if (!await context.SendAsync(static (w, o, p) => w.WriteNotification(o, "notifications/subscriptions/acknowledged"u8, p), ack).ConfigureAwait(false))
            {
                return;
            }

            if (tools || prompts || resources || uris is not null || listener.TaskIds is not null)
            {
                var metaParams = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, JsonElement> { ["_meta"] = meta }, McpJsonContext.Default.IDictionaryStringJsonElement);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation, Server.Stopping);
                try
                {
                    await foreach (var change in listener.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
                    {
                        var sent = change.Kind switch
                        {
                            ChangeKind.ResourceUpdated => await context.SendAsync(static (w, o, s) => w.WriteNotification(o, "notifications/resources/updated"u8, ResourceUpdatedParams(s.Uri!, s.meta)), (change.Uri, meta)).ConfigureAwait(false),
                            ChangeKind.Task => await context.SendAsync(static (w, o, s) => w.WriteNotification(o, "notifications/tasks"u8, WithMeta(s.Payload, s.meta)), (change.Payload, meta)).ConfigureAwait(false),
                            _ => await context.SendAsync(static (w, o, s) => w.WriteNotification(o, Change.ListChangedMethod(s.Kind), s.metaParams), (change.Kind, metaParams)).ConfigureAwait(false),
                        };
                        if (!sent)
                        {
                            return;
                        }
                    }
                }
                catch (OperationCanceledException) when (linked.IsCancellationRequested)
                {
                    if (context.Cancellation.IsCancellationRequested)
                    {
                        // M-SB-09: the client closed the stream; nothing more is sent.
                        throw;
                    }
                }
            }

            // M-SB-08 / M-SB-13: a graceful end carries the listen result, tagged with the subscription id.
            await context.RespondAsync(new SubscriptionsListenResult { ResultType = ResultTypes.Complete, Meta = meta }, McpJsonContext.Default.SubscriptionsListenResult).ConfigureAwait(false);
        }
        finally
        {
            listeners.Close(listener, principal);
        }
    }

    /// <summary><c>notifications.taskIds</c> of the request, or null when it names none.</summary>
    private static List<string>? ReadTaskIds(McpRequestContext context)
    {
        using var document = RequestParams.Parse(context);
        if (!document.RootElement.TryGetProperty("notifications", out var notifications) || notifications.ValueKind != JsonValueKind.Object
            || !notifications.TryGetProperty("taskIds", out var ids) || ids.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(id => id.ValueKind != JsonValueKind.String))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: notifications.taskIds must be an array of task ids.");
        }

        return [.. ids.EnumerateArray().Select(id => id.GetString()!)];
    }

    /// <summary>A DetailedTask with the subscription's <c>_meta</c> (M-SB-05).</summary>
    private static byte[] WithMeta(ReadOnlyMemory<byte> detailedTask, JsonElement meta)
    {
        using var document = JsonDocument.Parse(detailedTask);
        var buffer = new ArrayBufferWriter<byte>(detailedTask.Length + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                property.WriteTo(json);
            }

            json.WritePropertyName("_meta"u8);
            meta.WriteTo(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ResourceUpdatedParams(string uri, JsonElement meta)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("uri"u8, uri);
            json.WritePropertyName("_meta"u8);
            meta.WriteTo(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static JsonElement SubscriptionMeta(RequestId id)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName(MetaKeys.SubscriptionId);
            id.WriteTo(json);
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}

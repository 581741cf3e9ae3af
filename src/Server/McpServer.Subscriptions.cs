using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;

namespace Mcp.Raw.Server;

public sealed partial class McpServer
{
    internal enum ChangeKind
    {
        Tools,
        Prompts,
        Resources,
        ResourceUpdated,
    }

    internal readonly record struct Change(ChangeKind Kind, string? Uri);

    /// <summary>One open subscriptions/listen stream and what it asked for (M-SB-01..M-SB-04).</summary>
    internal sealed class Listener(bool tools, bool prompts, bool resources, string[]? resourceUris)
    {
        private readonly Channel<Change> _changes = Channel.CreateBounded<Change>(new BoundedChannelOptions(256)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        public bool Tools { get; } = tools;

        public bool Prompts { get; } = prompts;

        public bool Resources { get; } = resources;

        public string[]? ResourceUris { get; } = resourceUris;

        public ChannelReader<Change> Reader => _changes.Reader;

        public void Post(Change change) => _changes.Writer.TryWrite(change);
    }

    /// <summary>Number of open subscriptions/listen streams.</summary>
    public int ListenerCount => _listeners.Count;

    /// <summary>Announces that the tool list changed (also raised by every change to <see cref="Tools"/>).</summary>
    public void NotifyToolsListChanged() => OnListChanged(ChangeKind.Tools);

    /// <summary>Announces that the prompt list changed.</summary>
    public void NotifyPromptsListChanged() => OnListChanged(ChangeKind.Prompts);

    /// <summary>Announces that the resource list changed.</summary>
    public void NotifyResourcesListChanged() => OnListChanged(ChangeKind.Resources);

    private void OnListChanged(ChangeKind kind)
    {
        if (!_options.AnnounceListChanges)
        {
            return;
        }

        // 2025 sessions: an unrelated notification, on the session's GET stream (SV-11, SV-19, SV-27).
        foreach (var session in _sessions.Values)
        {
            _ = session.SendUnsolicitedAsync(static (w, o, k) => w.WriteNotification(o, ListChangedMethod(k), "{}"u8), kind).AsTask();
        }

        // 2026-07-28: every listen stream that asked for it (M-SB-02, M-SB-07).
        foreach (var listener in _listeners.Keys)
        {
            if (kind switch { ChangeKind.Tools => listener.Tools, ChangeKind.Prompts => listener.Prompts, _ => listener.Resources })
            {
                listener.Post(new Change(kind, null));
            }
        }
    }

    private async Task ListenAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.SubscriptionsListenRequestParams);
        if (request?.Notifications is not { } filter)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: subscriptions/listen needs params.notifications.");
        }

        // M-SB-04: honour only what this server advertises.
        var announce = _options.AnnounceListChanges;
        var tools = announce && filter.ToolsListChanged == true && Tools.Count > 0;
        var prompts = announce && filter.PromptsListChanged == true && Prompts.Count > 0;
        var resources = announce && filter.ResourcesListChanged == true && HasResources;
        if (filter.ResourceSubscriptions is { } requested && requested.Count > _options.MaxSubscriptionsPerSession)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: a listen stream names at most {_options.MaxSubscriptionsPerSession} resources.");
        }

        var uris = HasResources && filter.ResourceSubscriptions is { Count: > 0 } list ? list.Distinct(StringComparer.Ordinal).ToArray() : null;
        var honoured = new SubscriptionFilter
        {
            ToolsListChanged = tools ? true : null,
            PromptsListChanged = prompts ? true : null,
            ResourcesListChanged = resources ? true : null,
            ResourceSubscriptions = uris,
        };

        var id = context.Message.Id;
        var meta = SubscriptionMeta(id);
        var principal = Mcp.Raw.Transport.Security.SessionOwner.GetPrincipalKey(context.User);
        if (TryOpenListener(principal) is { } full)
        {
            var (status, text) = full == ListenLimit.Server
                ? (503, "Service Unavailable: the server has its most subscription streams open; retry later.")
                : (429, "Too Many Requests: this principal has its most subscription streams open; close one first.");
            await context.RespondLimitReachedAsync(status, text, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return;
        }

        var listener = new Listener(tools, prompts, resources, uris);
        _listeners.TryAdd(listener, 0);
        try
        {
            // M-SB-03: the acknowledgement is the first message, tagged with the subscription id (M-SB-05).
            var ack = JsonSerializer.SerializeToUtf8Bytes(new SubscriptionsAcknowledgedNotificationParams { Notifications = honoured, Meta = meta }, McpJsonContext.Default.SubscriptionsAcknowledgedNotificationParams);
            if (!await context.SendAsync(static (w, o, p) => w.WriteNotification(o, "notifications/subscriptions/acknowledged"u8, p), ack).ConfigureAwait(false))
            {
                return;
            }

            if (tools || prompts || resources || uris is not null)
            {
                var metaParams = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, JsonElement> { ["_meta"] = meta }, McpJsonContext.Default.IDictionaryStringJsonElement);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation, _stopping.Token);
                try
                {
                    await foreach (var change in listener.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
                    {
                        var sent = change.Kind == ChangeKind.ResourceUpdated
                            ? await context.SendAsync(static (w, o, s) => w.WriteNotification(o, "notifications/resources/updated"u8, ResourceUpdatedParams(s.Uri!, s.meta)), (change.Uri, meta)).ConfigureAwait(false)
                            : await context.SendAsync(static (w, o, s) => w.WriteNotification(o, ListChangedMethod(s.Kind), s.metaParams), (change.Kind, metaParams)).ConfigureAwait(false);
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
            _listeners.TryRemove(listener, out _);
            CloseListener(principal);
        }
    }

    private readonly Lock _listenLock = new();
    private readonly Dictionary<string, int> _listenersPerPrincipal = new(StringComparer.Ordinal);
    private int _openListeners;

    private enum ListenLimit
    {
        Server,
        Principal,
    }

    /// <summary>Counts a listen stream against the server's and the principal's caps; the cap that is full, or null.</summary>
    private ListenLimit? TryOpenListener(string? principal)
    {
        lock (_listenLock)
        {
            if (_openListeners >= _options.MaxListenStreams)
            {
                return ListenLimit.Server;
            }

            if (principal is not null)
            {
                var held = _listenersPerPrincipal.GetValueOrDefault(principal);
                if (held >= _options.MaxListenStreamsPerPrincipal)
                {
                    return ListenLimit.Principal;
                }

                _listenersPerPrincipal[principal] = held + 1;
            }

            _openListeners++;
            return null;
        }
    }

    private void CloseListener(string? principal)
    {
        lock (_listenLock)
        {
            _openListeners--;
            if (principal is not null && _listenersPerPrincipal.TryGetValue(principal, out var held))
            {
                if (held <= 1)
                {
                    _listenersPerPrincipal.Remove(principal);
                }
                else
                {
                    _listenersPerPrincipal[principal] = held - 1;
                }
            }
        }
    }

    private static ReadOnlySpan<byte> ListChangedMethod(ChangeKind kind) => kind switch
    {
        ChangeKind.Tools => "notifications/tools/list_changed"u8,
        ChangeKind.Prompts => "notifications/prompts/list_changed"u8,
        _ => "notifications/resources/list_changed"u8,
    };

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

using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Sessions;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Server.Features.Subscriptions;

/// <summary>
/// Announces changes to everyone who should hear them: 2025 sessions as unsolicited notifications on their GET
/// stream (SV-11, SV-19, SV-27), 2026-07-28 listen streams that asked for them (M-SB-02, M-SB-06, M-SB-07). The
/// sessions are the initialized ones of the one registry, <see cref="ISessionStore.Local"/> (none without a store).
/// </summary>
internal sealed class ChangeFanOut(McpServerOptions options, ISessionStore? sessions, ListenerRegistry listeners)
{
    private IEnumerable<McpSession> Initialized => sessions is null ? [] : sessions.Local.Where(static s => s.IsInitialized);

    /// <summary>A list changed (when <see cref="McpServerOptions.AnnounceListChanges"/> is on).</summary>
    public void ListChanged(ChangeKind kind)
    {
        if (!options.AnnounceListChanges)
        {
            return;
        }

        foreach (var session in Initialized)
        {
            _ = session.SendUnsolicitedAsync(static (w, o, k) => w.WriteNotification(o, Change.ListChangedMethod(k), "{}"u8), kind).AsTask();
        }

        foreach (var listener in listeners.Open)
        {
            if (listener.Wants(kind))
            {
                listener.Post(new Change(kind, null));
            }
        }
    }

    /// <summary>A task's new status, to the listen streams that follow it (T-24).</summary>
    public void TaskChanged(string taskId, ReadOnlyMemory<byte> detailedTask)
    {
        foreach (var listener in listeners.Open)
        {
            if (listener.TaskIds is { } ids && Array.IndexOf(ids, taskId) >= 0)
            {
                listener.Post(new Change(ChangeKind.Task, taskId, detailedTask));
            }
        }
    }

    /// <summary>A resource changed: every session subscribed to it (or to a parent) and every listener that named it.</summary>
    public async ValueTask ResourceUpdatedAsync(string uri)
    {
        foreach (var session in Initialized)
        {
            if (session.HandlerState is SessionState { HasSubscriptions: true } state && state.Subscriptions.Keys.Any(s => Change.IsSameOrChild(uri, s)))
            {
                await session.SendUnsolicitedAsync(static (w, o, uri) => w.WriteNotification(o, McpMethods.NotificationsResourcesUpdated, new ResourceUriParams { Uri = uri }, McpJsonContext.Default.ResourceUriParams), uri).ConfigureAwait(false);
            }
        }

        foreach (var listener in listeners.Open)
        {
            if (listener.ResourceUris is { } uris && uris.Any(s => Change.IsSameOrChild(uri, s)))
            {
                listener.Post(new Change(ChangeKind.ResourceUpdated, uri));
            }
        }
    }
}

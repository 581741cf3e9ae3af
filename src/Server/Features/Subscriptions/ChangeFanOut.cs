using System.Text;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Features.Tasks;
using Mcp.Raw.Server.Sessions;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Server.Features.Subscriptions;

/// <summary>
/// Announces changes to everyone who should hear them: 2025 sessions as unsolicited notifications on their GET
/// stream (SV-11, SV-19, SV-27), 2026-07-28 listen streams that asked for them (M-SB-02, M-SB-06, M-SB-07). The
/// sessions are the initialized ones of the one registry, <see cref="ISessionStore.Local"/> (none without a store).
/// With an <see cref="IChangeBroadcast"/> (several processes) a change also goes to the other processes, which
/// announce it to their own listeners and to the sessions whose GET stream they hold; a session's copies elsewhere
/// then stay silent, so each client hears a change once.
/// </summary>
internal sealed class ChangeFanOut(McpServerOptions options, ISessionStore? sessions, ListenerRegistry listeners, IChangeBroadcast? broadcast)
{
    private const byte ListTag = (byte)'L';
    private const byte ResourceTag = (byte)'R';
    private const byte TaskTag = (byte)'T';

    /// <summary>The largest DetailedTask sent to other processes; a larger one (a big result) is read with tasks/get there.</summary>
    private const int MaxBroadcastTaskBytes = 64 * 1024;

    private volatile bool _publishing;

    /// <summary>
    /// From now on changes go to the other processes too (the relay starts it once the host runs): what the server's
    /// own registration raises while it is built is no change for anyone else.
    /// </summary>
    public void StartPublishing() => _publishing = true;

    /// <summary>The sessions to announce to: every initialized one, or with a broadcast the ones whose GET is here.</summary>
    private IEnumerable<McpSession> Initialized => sessions is null ? [] : sessions.Local.Where(s => s.IsInitialized && (broadcast is null || s.HasOpenStream));

    /// <summary>A list changed (when <see cref="McpServerOptions.AnnounceListChanges"/> is on).</summary>
    public void ListChanged(ChangeKind kind)
    {
        if (!options.AnnounceListChanges)
        {
            return;
        }

        AnnounceListChanged(kind);
        if (broadcast is not null && _publishing)
        {
            Publish([ListTag, (byte)kind]);
        }
    }

    /// <summary>A task's new status, to the listen streams that follow it (T-24).</summary>
    public void TaskChanged(string taskId, ReadOnlyMemory<byte> detailedTask)
    {
        AnnounceTaskChanged(taskId, detailedTask);
        if (broadcast is not null && _publishing && detailedTask.Length <= MaxBroadcastTaskBytes)
        {
            Publish(TaskControl.Encode(TaskTag, taskId, detailedTask.Span));
        }
    }

    /// <summary>A resource changed: every session subscribed to it (or to a parent) and every listener that named it.</summary>
    public async ValueTask ResourceUpdatedAsync(string uri)
    {
        await AnnounceResourceUpdatedAsync(uri).ConfigureAwait(false);
        if (broadcast is not null && _publishing)
        {
            Publish([ResourceTag, .. Encoding.UTF8.GetBytes(uri)]);
        }
    }

    /// <summary>A change another process published: announced here only, never published again.</summary>
    public async ValueTask ReceiveAsync(ReadOnlyMemory<byte> message)
    {
        if (message.IsEmpty)
        {
            return;
        }

        var body = message.Span[1..];
        switch (message.Span[0])
        {
            case ListTag when body.Length == 1 && body[0] <= (byte)ChangeKind.Resources && options.AnnounceListChanges:
                AnnounceListChanged((ChangeKind)body[0]);
                break;
            case ResourceTag:
                await AnnounceResourceUpdatedAsync(Encoding.UTF8.GetString(body)).ConfigureAwait(false);
                break;
            case TaskTag when TaskControl.TryDecode(message, out var taskId, out var detailedTask):
                AnnounceTaskChanged(taskId, detailedTask);
                break;
        }
    }

    private void AnnounceListChanged(ChangeKind kind)
    {
        foreach (var session in Initialized)
        {
            _ = SendAsync(session, kind);
        }

        static async Task SendAsync(McpSession session, ChangeKind kind)
        {
            try
            {
                await session.SendUnsolicitedAsync(static (w, o, k) => w.WriteNotification(o, Change.ListChangedMethod(k), "{}"u8), kind).ConfigureAwait(false);
            }
            catch (StoreUnavailableException)
            {
                // The session's log is out of reach: this announcement is lost for it; it re-lists when it next asks.
            }
        }

        foreach (var listener in listeners.Open)
        {
            if (listener.Wants(kind))
            {
                listener.Post(new Change(kind, null));
            }
        }
    }

    private void AnnounceTaskChanged(string taskId, ReadOnlyMemory<byte> detailedTask)
    {
        foreach (var listener in listeners.Open)
        {
            if (listener.TaskIds is { } ids && Array.IndexOf(ids, taskId) >= 0)
            {
                listener.Post(new Change(ChangeKind.Task, taskId, detailedTask));
            }
        }
    }

    private async ValueTask AnnounceResourceUpdatedAsync(string uri)
    {
        foreach (var session in Initialized)
        {
            if (session.HandlerState is SessionState { HasSubscriptions: true } state && state.Subscriptions.Keys.Any(s => Change.IsSameOrChild(uri, s)))
            {
                try
                {
                    await session.SendUnsolicitedAsync(static (w, o, uri) => w.WriteNotification(o, McpMethods.NotificationsResourcesUpdated, new ResourceUriParams { Uri = uri }, McpJsonContext.Default.ResourceUriParams), uri).ConfigureAwait(false);
                }
                catch (StoreUnavailableException)
                {
                    // This session misses the update (its log is out of reach); the others still get theirs.
                }
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

    /// <summary>Fire and forget: a change that cannot reach the other processes is still announced here.</summary>
    private void Publish(byte[] message)
    {
        _ = PublishAsync(broadcast!, message);

        static async Task PublishAsync(IChangeBroadcast broadcast, byte[] message)
        {
            try
            {
                await broadcast.PublishAsync(message).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Whatever went wrong (the bus away, this process stopping), the other processes miss this change and
                // their clients see the new lists when they next ask; nothing here awaits it.
            }
        }
    }
}

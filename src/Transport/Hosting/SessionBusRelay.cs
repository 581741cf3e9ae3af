using Mcp.Raw.Transport.Dispatch;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mcp.Raw.Transport.Hosting;

/// <summary>
/// When an <see cref="ISessionBus"/> is registered (scale-out), hands what the other processes publish for a session
/// to this process's copy of it, if it holds one: the client's answer to a request waiting here, a cancellation of a
/// request running here. Without a bus it does nothing.
/// </summary>
internal sealed class SessionBusRelay(IServiceProvider services, ISessionStore sessions, MessageDispatcher dispatcher) : IHostedService
{
    private IAsyncDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ISessionBus>() is { } bus)
        {
            _subscription = await bus.SubscribeAsync(ReceiveAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _subscription, null) is { } subscription)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ValueTask ReceiveAsync(string sessionId, ReadOnlyMemory<byte> message)
    {
        foreach (var session in sessions.Local)
        {
            if (string.Equals(session.Id, sessionId, StringComparison.Ordinal))
            {
                dispatcher.ReceiveFromOtherNode(session, message);
                break;
            }
        }

        return ValueTask.CompletedTask;
    }
}

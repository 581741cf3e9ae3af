using Mcp.Raw.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mcp.Raw.Server.Features.Subscriptions;

/// <summary>
/// When an <see cref="IChangeBroadcast"/> is registered (several processes), hands what the other processes publish
/// to this one: changes to announce to its clients, updates and cancellations of the tasks it runs. Without one it
/// does nothing.
/// </summary>
internal sealed class ChangeBroadcastRelay(IServiceProvider services) : IHostedService
{
    private IAsyncDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IChangeBroadcast>() is { } broadcast)
        {
            var server = services.GetRequiredService<McpServer>();
            _subscription = await broadcast.SubscribeAsync(server.ReceiveBroadcastAsync, cancellationToken).ConfigureAwait(false);
            server.Changes.StartPublishing();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _subscription, null) is { } subscription)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }
}

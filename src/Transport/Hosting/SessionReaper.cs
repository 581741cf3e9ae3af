using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Hosting;

/// <summary>
/// Evicts idle sessions on a timer (TR-60) and ends every session when the application stops, so that open streams
/// close and shutdown never waits on them.
/// </summary>
internal sealed class SessionReaper(ISessionStore sessions, IOptions<StreamableHttpOptions> options, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = lifetime.ApplicationStopping.Register(static s => ((SessionReaper)s!).EndAll(), this);
        // Often enough for both the idle timeout and the (shorter) retention of finished streams.
        var o = options.Value;
        var period = TimeSpan.FromTicks(Math.Clamp(Math.Min(o.SessionIdleTimeout.Ticks / 4, Math.Min(o.CompletedStreamRetention.Ticks, o.DeliveredStreamRetention.Ticks) / 2), TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (sessions is InMemorySessionStore memory)
                {
                    await memory.EvictIdleAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void EndAll()
    {
        if (sessions is InMemorySessionStore memory)
        {
            // Fire and forget is safe here: DisposeAsync of the store catches nothing it could throw to us.
            _ = memory.DisposeAsync().AsTask();
        }
    }
}

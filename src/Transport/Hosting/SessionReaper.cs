using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Hosting;

/// <summary>
/// Evicts idle sessions and expired events on a timer (TR-60), through the store seams whatever stores are
/// registered, and stops the session store when the application stops, so that open streams close and shutdown
/// never waits on them.
/// </summary>
internal sealed partial class SessionReaper(ISessionStore sessions, IEventStore events, IOptions<StreamableHttpOptions> options, IHostApplicationLifetime lifetime, ILogger<SessionReaper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = lifetime.ApplicationStopping.Register(static s => ((SessionReaper)s!).StopSessions(), this);
        // Often enough for both the idle timeout and the (shorter) retention of finished streams.
        var o = options.Value;
        var period = TimeSpan.FromTicks(Math.Clamp(Math.Min(o.SessionIdleTimeout.Ticks / 4, Math.Min(o.CompletedStreamRetention.Ticks, o.DeliveredStreamRetention.Ticks) / 2), TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await sessions.EvictIdleAsync(stoppingToken).ConfigureAwait(false);
                    await events.EvictExpiredAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A store that cannot be reached now (a distributed one) is tried again on the next tick.
                    LogSweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Evicting idle sessions and expired events failed; trying again on the next tick.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    // Fire and forget: the stop callback cannot await, and the store's StopAsync reports nothing to us.
    private void StopSessions() => _ = sessions.StopAsync(CancellationToken.None).AsTask();
}

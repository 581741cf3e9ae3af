using System.Collections.Concurrent;

namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// One timer for the keep-alive comments of every open SSE response, instead of a PeriodicTimer, an abort
/// registration and a loop per response (measurable per request under load: W2, W6b). It ticks at a quarter of the
/// shortest interval registered (at least every 10 ms) and asks each stream to write a comment if it has been idle.
/// </summary>
internal static class KeepAliveScheduler
{
    private static readonly ConcurrentDictionary<ServerStream, byte> s_streams = new();
    private static readonly Lock s_lock = new();
    private static Timer? s_timer;
    private static long s_periodMs = long.MaxValue;

    public static void Register(ServerStream stream, TimeSpan interval)
    {
        s_streams.TryAdd(stream, 0);
        var period = Math.Max(10, (long)interval.TotalMilliseconds / 4);
        if (period < Volatile.Read(ref s_periodMs))
        {
            lock (s_lock)
            {
                if (period < s_periodMs)
                {
                    s_periodMs = period;
                    if (s_timer is null)
                    {
                        // Not tied to any request's ExecutionContext.
                        using (ExecutionContext.SuppressFlow())
                        {
                            s_timer = new Timer(static _ => Tick(), null, period, period);
                        }
                    }
                    else
                    {
                        s_timer.Change(period, period);
                    }
                }
            }
        }
    }

    public static void Unregister(ServerStream stream) => s_streams.TryRemove(stream, out _);

    private static void Tick()
    {
        var now = Environment.TickCount64;
        foreach (var stream in s_streams.Keys)
        {
            stream.KeepAliveTick(now);
        }
    }
}

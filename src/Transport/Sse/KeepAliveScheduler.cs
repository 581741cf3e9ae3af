using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// One timer per application for the keep-alive comments of every open SSE response, instead of a PeriodicTimer, an
/// abort registration and a loop per response (measurable per request under load: W2, W6b). It ticks at a quarter of
/// <see cref="StreamableHttpOptions.KeepAliveInterval"/> (at least every 10 ms), from the first registration until the
/// application's services are disposed, and asks each stream to write a comment if it has been idle.
/// </summary>
internal sealed class KeepAliveScheduler : IDisposable
{
    private readonly ConcurrentDictionary<ServerStream, byte> _streams = new();
    private readonly Lock _lock = new();
    private readonly long _periodMs;
    private Timer? _timer;
    private bool _disposed;

    public KeepAliveScheduler(IOptions<StreamableHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Interval = options.Value.KeepAliveInterval;
        IntervalMs = (long)Interval.TotalMilliseconds;
        _periodMs = Math.Max(10, IntervalMs / 4);
    }

    /// <summary>How long an SSE response may stay silent before it gets a comment.</summary>
    public TimeSpan Interval { get; }

    public long IntervalMs { get; }

    public void Register(ServerStream stream)
    {
        _streams.TryAdd(stream, 0);
        if (Volatile.Read(ref _timer) is null)
        {
            lock (_lock)
            {
                if (_timer is null && !_disposed)
                {
                    // Not tied to any request's ExecutionContext.
                    using (ExecutionContext.SuppressFlow())
                    {
                        Volatile.Write(ref _timer, new Timer(static s => ((KeepAliveScheduler)s!).Tick(), this, _periodMs, _periodMs));
                    }
                }
            }
        }
    }

    public void Unregister(ServerStream stream) => _streams.TryRemove(stream, out _);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }

    private void Tick()
    {
        var now = Environment.TickCount64;
        foreach (var (stream, _) in _streams)
        {
            stream.KeepAliveTick(now);
        }
    }
}

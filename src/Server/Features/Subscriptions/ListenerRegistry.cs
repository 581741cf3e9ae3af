using System.Collections.Concurrent;

namespace Mcp.Raw.Server.Features.Subscriptions;

/// <summary>
/// The open listen streams, counted against the server's cap (<see cref="McpServerOptions.MaxListenStreams"/>, 503)
/// and each principal's (<see cref="McpServerOptions.MaxListenStreamsPerPrincipal"/>, 429).
/// </summary>
internal sealed class ListenerRegistry(McpServerOptions options)
{
    private readonly ConcurrentDictionary<Listener, byte> _listeners = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perPrincipal = new(StringComparer.Ordinal);
    private int _open;
    private TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => _listeners.Count;

    /// <summary>Completes when the next stream is closed (its slot free): read it before closing one, then await it.</summary>
    public Task NextClose
    {
        get
        {
            lock (_lock)
            {
                return _closed.Task;
            }
        }
    }

    public ICollection<Listener> Open => _listeners.Keys;

    /// <summary>Counts a stream for <paramref name="principal"/>; the cap that is full, or null when it may open.</summary>
    public ListenLimit? TryOpen(string? principal)
    {
        lock (_lock)
        {
            if (_open >= options.MaxListenStreams)
            {
                return ListenLimit.Server;
            }

            if (principal is not null)
            {
                var held = _perPrincipal.GetValueOrDefault(principal);
                if (held >= options.MaxListenStreamsPerPrincipal)
                {
                    return ListenLimit.Principal;
                }

                _perPrincipal[principal] = held + 1;
            }

            _open++;
            return null;
        }
    }

    public void Add(Listener listener) => _listeners.TryAdd(listener, 0);

    /// <summary>Ends what <see cref="TryOpen"/> and <see cref="Add"/> started.</summary>
    public void Close(Listener? listener, string? principal)
    {
        if (listener is not null)
        {
            _listeners.TryRemove(listener, out _);
        }

        TaskCompletionSource closed;
        lock (_lock)
        {
            closed = _closed;
            _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _open--;
            if (principal is not null && _perPrincipal.TryGetValue(principal, out var held))
            {
                if (held <= 1)
                {
                    _perPrincipal.Remove(principal);
                }
                else
                {
                    _perPrincipal[principal] = held - 1;
                }
            }
        }

        closed.TrySetResult();
    }
}

/// <summary>Which cap refused a listen stream.</summary>
internal enum ListenLimit
{
    Server,
    Principal,
}

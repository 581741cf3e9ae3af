namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// A request in flight in a session, cancellable by <c>notifications/cancelled</c> (UT-14) or the session's end.
/// Its <see cref="CancellationTokenSource"/> is created only if the handler asks for the token, so requests that
/// never look at cancellation cost one small object.
/// </summary>
internal sealed class InFlightRequest : IDisposable
{
    private readonly McpSession? _session;
    private readonly CancellationToken _ended;

    /// <summary>A request of <paramref name="session"/>: its end cancels the request (its token made only if asked for).</summary>
    public InFlightRequest(McpSession session) => _session = session;

    /// <summary>A request that <paramref name="ended"/> cancels (a request outside a session).</summary>
    public InFlightRequest(CancellationToken ended) => _ended = ended;

    // Lock-free: a request in flight costs this object and, only when its handler asks for the token, a linked
    // source. Cancel and the token's creation each write, then read the other's field (both with full fences), so
    // whichever runs second cancels the source.
    private CancellationTokenSource? _source;
    private int _cancelled;

    public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0 || (_session is null ? _ended.IsCancellationRequested : _session.IsDisposed);

    public CancellationToken Token
    {
        get
        {
            if (Volatile.Read(ref _source) is { } existing)
            {
                return existing.Token;
            }

            var created = CancellationTokenSource.CreateLinkedTokenSource(_session?.Ended ?? _ended);
            if (Interlocked.CompareExchange(ref _source, created, null) is { } raced)
            {
                created.Dispose();
                return raced.Token;
            }

            if (Volatile.Read(ref _cancelled) != 0)
            {
                created.Cancel();
            }

            return created.Token;
        }
    }

    public void Cancel()
    {
        Interlocked.Exchange(ref _cancelled, 1);
        try
        {
            Volatile.Read(ref _source)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request finished and disposed its source after the lookup (UT-12).
        }
    }

    public void Dispose() => Volatile.Read(ref _source)?.Dispose();
}

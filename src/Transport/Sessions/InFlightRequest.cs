namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// A request in flight in a session, cancellable by <c>notifications/cancelled</c> (UT-14) or the session's end.
/// Its <see cref="CancellationTokenSource"/> is created only if the handler asks for the token, so requests that
/// never look at cancellation cost one small object.
/// </summary>
internal sealed class InFlightRequest(CancellationToken sessionEnded) : IDisposable
{
    private readonly Lock _lock = new();
    private CancellationTokenSource? _source;
    private bool _cancelled;

    public bool IsCancellationRequested
    {
        get
        {
            lock (_lock)
            {
                return _cancelled || sessionEnded.IsCancellationRequested;
            }
        }
    }

    public CancellationToken Token
    {
        get
        {
            lock (_lock)
            {
                if (_source is null)
                {
                    _source = CancellationTokenSource.CreateLinkedTokenSource(sessionEnded);
                    if (_cancelled)
                    {
                        _source.Cancel();
                    }
                }

                return _source.Token;
            }
        }
    }

    public void Cancel()
    {
        CancellationTokenSource? source;
        lock (_lock)
        {
            _cancelled = true;
            source = _source;
        }

        try
        {
            source?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request finished and disposed its source after the lookup (UT-12).
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _source?.Dispose();
        }
    }
}

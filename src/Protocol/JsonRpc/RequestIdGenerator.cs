namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// Hands out request ids that are never reused by this sender (JR-03): increasing integers, thread-safe. A prefix
/// makes string ids, so that ids of different senders in one store cannot collide.
/// </summary>
public sealed class RequestIdGenerator
{
    private readonly string? _prefix;
    private long _next;

    /// <summary>Creates a generator of integer ids starting at <paramref name="first"/>.</summary>
    public RequestIdGenerator(long first = 1) => _next = first - 1;

    /// <summary>Creates a generator of string ids <c>{prefix}{n}</c>.</summary>
    public RequestIdGenerator(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _prefix = prefix;
    }

    /// <summary>The next id.</summary>
    public RequestId Next()
    {
        var n = Interlocked.Increment(ref _next);
        return _prefix is null ? new RequestId(n) : new RequestId(string.Concat(_prefix, n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}

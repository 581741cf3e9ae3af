namespace Mcp.Raw.Transport;

/// <summary>
/// A store shared by several processes (sessions, events) cannot be reached now. The transport answers the request
/// with 503 and <c>Retry-After</c> (<see cref="RejectionReason.StoreUnavailable"/>), and an open stream that depends
/// on it ends, so its client resumes once the store is back. A store implementation throws it for the failures a
/// retry can overcome (a lost connection, a timeout), never for a client's mistake.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException()
        : base("The store cannot be reached.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

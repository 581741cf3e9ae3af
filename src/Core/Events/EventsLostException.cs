namespace Mcp.Raw.Transport.Events;

/// <summary>The events after a <c>Last-Event-ID</c> were evicted (the per-stream bound was reached).</summary>
public sealed class EventsLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EventsLostException()
        : base("The events after the given id are no longer retained.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public EventsLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EventsLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

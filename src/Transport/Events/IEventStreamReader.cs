namespace Mcp.Raw.Transport.Events;

/// <summary>Reads one stream's events after a point: first the retained ones, then new ones as they come.</summary>
public interface IEventStreamReader
{
    /// <summary>
    /// Waits for the next event. Returns false when the stream is complete and every event was read.
    /// </summary>
    ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken);

    /// <summary>Takes the next event if one is available.</summary>
    bool TryRead(out StoredEvent storedEvent);
}

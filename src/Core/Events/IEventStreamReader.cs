using System.Buffers;

namespace Mcp.Raw.Transport.Events;

/// <summary>Reads one stream's events after a point: first the retained ones, then new ones as they come.</summary>
public interface IEventStreamReader
{
    /// <summary>
    /// Waits for the next event. Returns false when the stream is complete and every event was read.
    /// </summary>
    ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken);

    /// <summary>Takes the next event if one is available. The data is the caller's to keep.</summary>
    bool TryRead(out StoredEvent storedEvent);

    /// <summary>
    /// Writes the next event, if one is available, as an SSE frame (its <c>id:</c> and <c>data:</c>) into
    /// <paramref name="output"/>: the replay path. A store that keeps its events in reusable buffers frames them from
    /// there without a copy; the default goes through <see cref="TryRead"/>.
    /// </summary>
    bool TryWriteNext(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!TryRead(out var storedEvent))
        {
            return false;
        }

        StoredEventFrame.Write(output, storedEvent.Id, storedEvent.Data.Span);
        return true;
    }
}

namespace Mcp.Raw.Transport.Events;

/// <summary>What <see cref="IEventStore.TailAsync"/> opens: a reader of the events after <paramref name="Sequence"/>, the stream's last one when it opened.</summary>
public readonly record struct EventStreamTail(IEventStreamReader Reader, long Sequence);

namespace Mcp.Raw.Transport.Events;

/// <summary>
/// An event store whose append never waits (the in-memory one). A stream appends to it under its short append lock,
/// so a producer writing to an open stream never takes the stream's gate; a store that does I/O (a distributed one)
/// simply does not implement this and its streams append under the gate.
/// </summary>
internal interface ISynchronousEventStore
{
    /// <summary>Appends one event and returns its sequence number, as <see cref="IEventStore.AppendAsync"/> does.</summary>
    long Append(StreamKey stream, ReadOnlySpan<byte> data);
}

namespace Mcp.Raw.Transport.Events;

/// <summary>One stored event: its id and the JSON of the message.</summary>
public readonly record struct StoredEvent(StreamEventId Id, ReadOnlyMemory<byte> Data);

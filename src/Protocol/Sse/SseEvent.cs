namespace Mcp.Raw.Protocol.Sse;

/// <summary>
/// One dispatched server-sent event. <see cref="Data"/> is valid until the parser is used again; copy it to keep it.
/// </summary>
public readonly struct SseEvent
{
    internal SseEvent(string eventType, ReadOnlyMemory<byte> data, string? lastEventId)
    {
        EventType = eventType;
        Data = data;
        LastEventId = lastEventId;
    }

    /// <summary>The event type, <c>message</c> by default.</summary>
    public string EventType { get; }

    /// <summary>The data lines joined with LF (UTF-8).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The stream's last event id when this event was dispatched, or null when none was ever set.</summary>
    public string? LastEventId { get; }

    /// <summary>Whether the data is empty (a priming event, TR-47).</summary>
    public bool IsEmpty => Data.IsEmpty;
}

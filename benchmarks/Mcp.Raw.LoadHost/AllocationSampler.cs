using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Mcp.Raw.LoadHost;

/// <summary>Samples allocations by type (the runtime's GCAllocationTick, about one event per 100 KB allocated).</summary>
internal sealed class AllocationSampler : EventListener
{
    public ConcurrentDictionary<string, long> Bytes { get; } = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && eventData.Payload is { } payload)
        {
            var name = eventData.PayloadNames!.IndexOf("TypeName") is var i and >= 0 ? payload[i] as string ?? "?" : "?";
            var amount = eventData.PayloadNames!.IndexOf("AllocationAmount64") is var j and >= 0 ? Convert.ToInt64(payload[j], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
            Bytes.AddOrUpdate(name, amount, (_, v) => v + amount);
        }
    }
}

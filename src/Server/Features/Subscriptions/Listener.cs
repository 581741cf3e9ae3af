using System.Threading.Channels;

namespace Mcp.Raw.Server.Features.Subscriptions;

/// <summary>
/// One open <c>subscriptions/listen</c> stream and what it asked for (M-SB-01..M-SB-04). Changes queue in a bounded
/// channel; a listener that falls behind loses the oldest (a list change is idempotent, the client re-lists).
/// </summary>
internal sealed class Listener(bool tools, bool prompts, bool resources, string[]? resourceUris, string[]? taskIds = null)
{
    private readonly Channel<Change> _changes = Channel.CreateBounded<Change>(new BoundedChannelOptions(256)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public bool Tools { get; } = tools;

    public bool Prompts { get; } = prompts;

    public bool Resources { get; } = resources;

    public string[]? ResourceUris { get; } = resourceUris;

    /// <summary>The tasks whose status this stream follows (the tasks extension, T-24).</summary>
    public string[]? TaskIds { get; } = taskIds;

    public ChannelReader<Change> Reader => _changes.Reader;

    public void Post(Change change) => _changes.Writer.TryWrite(change);

    /// <summary>Whether this listener asked for changes of <paramref name="kind"/> (a list kind).</summary>
    public bool Wants(ChangeKind kind) => kind switch
    {
        ChangeKind.Tools => Tools,
        ChangeKind.Prompts => Prompts,
        _ => Resources,
    };
}

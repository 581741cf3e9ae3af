using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Server.Dispatch;

/// <summary>
/// The server's methods, indexed by <see cref="McpMethod"/>: one array read per request. A method that is not in
/// the table, not served in the request's era, or whose feature has no primitives is unknown (-32601).
/// </summary>
internal sealed class MethodTable
{
    private readonly RequestHandler?[] _handlers;

    public MethodTable(IEnumerable<RequestHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _handlers = new RequestHandler?[Enum.GetValues<McpMethod>().Max(m => (int)m) + 1];
        foreach (var handler in handlers)
        {
            ref var slot = ref _handlers[(int)handler.Method];
            if (slot is not null)
            {
                throw new InvalidOperationException($"Two handlers for {handler.Method}: {slot.GetType().Name} and {handler.GetType().Name}.");
            }

            slot = handler;
        }
    }

    /// <summary>The handler of <paramref name="method"/> in this era, or null when the method does not exist here.</summary>
    public RequestHandler? Find(McpMethod method, bool modern)
    {
        var index = (int)method;
        if ((uint)index >= (uint)_handlers.Length || _handlers[index] is not { } handler)
        {
            return null;
        }

        var era = modern ? Eras.Modern2026 : Eras.Sessions2025;
        return (handler.Eras & era) != 0 && handler.IsAvailable ? handler : null;
    }
}

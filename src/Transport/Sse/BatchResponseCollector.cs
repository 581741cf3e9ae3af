using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Transport.Dispatch;

namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// Collects the responses of a 2025-03-26 batch into one JSON array (TR-12, JR-12). Requests of a batch answered
/// as JSON cannot carry notifications: those are dropped, and the README says so.
/// </summary>
internal sealed class BatchResponseCollector : IDisposable
{
    private readonly Lock _lock = new();
    private readonly PooledBufferWriter _buffer = new(512);
    private readonly JsonRpcWriter _writer = new();
    private int _count;

    public int Count => _count;

    public ReadOnlyMemory<byte> Complete()
    {
        lock (_lock)
        {
            var span = _buffer.GetSpan(1);
            span[0] = (byte)']';
            _buffer.Advance(1);
            return _buffer.WrittenMemory;
        }
    }

    public void Add<TState>(McpMessageWriter<TState> write, TState state)
    {
        lock (_lock)
        {
            var span = _buffer.GetSpan(1);
            span[0] = _count == 0 ? (byte)'[' : (byte)',';
            _buffer.Advance(1);
            write(_writer, _buffer, state);
            _count++;
        }
    }

    public IResponseSink CreateSink() => new Sink(this);

    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
    }

    private sealed class Sink(BatchResponseCollector owner) : IResponseSink
    {
        public bool HasResponded { get; private set; }

        public ValueTask<bool> SendAsync<TState>(McpMessageWriter<TState> write, TState state) => new(false);

        public ValueTask RespondAsync<TState>(McpMessageWriter<TState> write, TState state, int httpStatus)
        {
            if (!HasResponded)
            {
                HasResponded = true;
                owner.Add(write, state);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> DisconnectForPollingAsync() => new(false);

        public ValueTask EndWithoutResponseAsync() => ValueTask.CompletedTask;
    }
}

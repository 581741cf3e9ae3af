using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Microsoft.Extensions.ObjectPool;

namespace Mcp.Raw.Transport.Sse;

/// <summary>
/// What one response stream needs to write: the JSON writer, a scratch buffer and the SSE bytes waiting for the next
/// flush. Pooled, so a request allocates
/// neither (one writer per response stream, reused across streams). The stream's gate is not pooled: a late sender
/// holding a stale reference must find that stream's own gate and its Completed state, never another request's.
/// </summary>
internal sealed class StreamBuffers
{
    private const int MaxRetainedBytes = 64 * 1024;

    private static readonly ObjectPool<StreamBuffers> s_pool = new DefaultObjectPoolProvider { MaximumRetained = 1024 }.Create(new Policy());

    public JsonRpcWriter Writer { get; } = new();

    public PooledBufferWriter Scratch { get; private set; } = new(512);

    public PooledBufferWriter Pending { get; private set; } = new(1024);

    public static StreamBuffers Rent() => s_pool.Get();

    public static void Return(StreamBuffers buffers) => s_pool.Return(buffers);

    private sealed class Policy : PooledObjectPolicy<StreamBuffers>
    {
        public override StreamBuffers Create() => new();

        public override bool Return(StreamBuffers obj)
        {
            obj.Scratch = Reusable(obj.Scratch, 512);
            obj.Pending = Reusable(obj.Pending, 1024);
            return true;
        }

        /// <summary>The buffer cleared, or a fresh one when one large message grew it past what is worth keeping.</summary>
        private static PooledBufferWriter Reusable(PooledBufferWriter buffer, int initialCapacity)
        {
            if (buffer.Capacity > MaxRetainedBytes)
            {
                buffer.Dispose();
                return new PooledBufferWriter(initialCapacity);
            }

            buffer.Clear();
            return buffer;
        }
    }
}

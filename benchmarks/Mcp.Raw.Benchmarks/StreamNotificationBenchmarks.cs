using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Testing;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Benchmarks;

/// <summary>
/// The cost of one notification written to an open SSE stream: a progress and a log notification per operation, on
/// the response's one writer (<see cref="ServerStream"/>: gate, JSON, SSE frame, flush request), into a pipe that a
/// reader drains as Kestrel's transport would. Resumable is the 2025-11-25 session stream (event id, event store);
/// not resumable is a stateless 2025 or a 2026-07-28 stream. The target is 0 B per notification.
/// </summary>
[BenchmarkCategory("Stream")]
public class StreamNotificationBenchmarks
{
    private const int Operations = 10_000;

    private Pipe _pipe = null!;
    private Task _drain = null!;
    private ServerStream _stream = null!;
    private readonly ProgressToken _token = 1;

    [Params(false, true)]
    public bool Resumable { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // The reader runs inline on the flushing thread, as cheaply as Kestrel's own transport scheduler: the default
        // thread-pool scheduler allocates a work item per flush, which is the pipe's cost, not the stream's.
        // Its blocks come from a pool that reuses them, as Kestrel's does: MemoryPool<byte>.Shared allocates an owner
        // object per block, which again is the pipe's cost.
        _pipe = new Pipe(new PipeOptions(pool: new BlockPool(), readerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        var http = new DefaultHttpContext();
        http.Features.Set<IHttpResponseBodyFeature>(new PipeResponseBody(_pipe.Writer));
        var store = Resumable ? new InMemoryEventStore(Options.Create(new StreamableHttpOptions())) : null;
        _stream = new ServerStream(http, ContentNegotiation.Accepts.Both, store, new StreamKey("tag", 1), priming: Resumable, retryMilliseconds: 1000);
        _drain = DrainAsync(_pipe.Reader);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _stream.DisposeAsync();
        await _pipe.Writer.CompleteAsync();
        await _drain;
    }

    /// <summary>On the thread pool, as a tool runs: the requested flush goes to this thread's local queue.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Operations, Description = "notification on an open SSE stream")]
    public Task<bool> Notification() => Task.Run(SendAllAsync);

    private async Task<bool> SendAllAsync()
    {
        var delivered = true;
        for (var i = 1; i <= Operations; i++)
        {
            delivered &= await _stream.SendAsync(static (w, o, s) => w.WriteProgressNotification(o, s.Token, s.I, Operations), (Token: _token, I: (double)i));
            delivered &= await _stream.SendAsync(static (w, o, _) => w.WriteLogNotification(o, "info"u8, "step"), 0);
        }

        return delivered;
    }

    private static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return;
            }
        }
    }

    /// <summary>A memory pool that reuses its blocks and their owners, like Kestrel's pinned block pool.</summary>
    private sealed class BlockPool : System.Buffers.MemoryPool<byte>
    {
        private const int BlockSize = 4096;
        private readonly System.Collections.Concurrent.ConcurrentBag<Block> _free = [];

        public override int MaxBufferSize => BlockSize;

        public override System.Buffers.IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
            _free.TryTake(out var block) ? block : new Block(this);

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Block(BlockPool pool) : System.Buffers.IMemoryOwner<byte>
        {
            public Memory<byte> Memory { get; } = new byte[BlockSize];

            public void Dispose() => pool._free.Add(this);
        }
    }
}

using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Protocol.Sse;

namespace Mcp.Raw.Benchmarks;

/// <summary>Writing a progress notification as an SSE frame into a reused buffer.</summary>
[BenchmarkCategory("Sse")]
public class SseFrameWriterBenchmarks
{
    private const int Inner = 100;
    private readonly PooledBufferWriter _buffer = new(64 * 1024);
    private readonly JsonRpcWriter _writer = new();
    private readonly ProgressToken _token = new(7);
    private readonly BaselineNotification _notification = new() { Params = new ProgressNotificationParams { ProgressToken = new ProgressToken(7), Progress = 1, Total = 10 } };

    [Benchmark(Baseline = true, OperationsPerInvoke = Inner, Description = "JsonSerializer to string, then \"data: \" + json + \"\\n\\n\" as bytes")]
    public int JsonSerializerBaseline()
    {
        var n = 0;
        for (var i = 0; i < Inner; i++)
        {
            _notification.Params!.Progress = i;
            var json = JsonSerializer.Serialize(_notification, BaselineJsonContext.Default.BaselineNotification);
            var bytes = Encoding.UTF8.GetBytes("data: " + json + "\n\n");
            n += bytes.Length;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Inner, Description = "SseFrameWriter + JsonRpcWriter in place")]
    public int FrameInPlace()
    {
        _buffer.Clear();
        for (var i = 0; i < Inner; i++)
        {
            SseFrameWriter.BeginDataEvent(_buffer);
            _writer.WriteProgressNotification(_buffer, _token, i, 10);
            SseFrameWriter.EndDataEvent(_buffer);
        }

        return _buffer.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = Inner, Description = "SseFrameWriter + JsonRpcWriter with event id")]
    public int FrameInPlaceWithId()
    {
        _buffer.Clear();
        Span<byte> id = stackalloc byte[24];
        for (var i = 0; i < Inner; i++)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(i, id, out var written);
            SseFrameWriter.BeginDataEvent(_buffer, id[..written]);
            _writer.WriteProgressNotification(_buffer, _token, i, 10, "step");
            SseFrameWriter.EndDataEvent(_buffer);
        }

        return _buffer.WrittenCount;
    }
}

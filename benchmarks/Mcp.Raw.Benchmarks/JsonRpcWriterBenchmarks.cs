using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Benchmarks;

/// <summary>Writing a tools/call result.</summary>
[BenchmarkCategory("Protocol")]
public class JsonRpcWriterBenchmarks
{
    private readonly PooledBufferWriter _buffer = new(64 * 1024);
    private readonly JsonRpcWriter _writer = new();
    private BaselineResponse _response = null!;
    private CallToolResult _result = null!;
    private string _text = string.Empty;

    [Params(51, 4096)]
    public int TextLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = new string('x', TextLength);
        _result = new CallToolResult { Content = [new TextContent { Text = _text }] };
        _response = new BaselineResponse { Id = 42, Result = _result };
    }

    [Benchmark(Baseline = true, Description = "JsonSerializer.SerializeToUtf8Bytes")]
    public int JsonSerializerBaseline() => JsonSerializer.SerializeToUtf8Bytes(_response, BaselineJsonContext.Default.BaselineResponse).Length;

    [Benchmark(Description = "JsonRpcWriter typed result into reused buffer")]
    public int WriterTyped()
    {
        _buffer.Clear();
        _writer.WriteResponse(_buffer, 42, _result, McpJsonContext.Default.CallToolResult);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "JsonRpcWriter hand-written result into reused buffer")]
    public int WriterCallback()
    {
        _buffer.Clear();
        _writer.WriteResponse(_buffer, 42, static (json, text) =>
        {
            json.WriteStartObject();
            json.WritePropertyName("content"u8);
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("type"u8, "text"u8);
            json.WriteString("text"u8, text);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }, _text);
        return _buffer.WrittenCount;
    }
}

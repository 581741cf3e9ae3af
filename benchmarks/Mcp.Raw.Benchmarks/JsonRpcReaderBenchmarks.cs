using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Benchmarks;

/// <summary>Parsing a tools/call request: our reader against a JsonNode DOM and a typed JsonSerializer read.</summary>
[BenchmarkCategory("Protocol")]
public class JsonRpcReaderBenchmarks
{
    private byte[] _body = [];
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _multi;

    [Params(51, 4096)]
    public int TextLength { get; set; }

    [Params(false, true)]
    public bool Modern { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = Modern ? Payloads.ModernToolsCall(TextLength) : Payloads.ToolsCall(TextLength);
        _single = new ReadOnlySequence<byte>(_body);
        _multi = Payloads.TwoSegments(_body);
    }

    [Benchmark(Baseline = true, Description = "JsonNode.Parse (what the C# SDK does)")]
    public string? JsonNodeBaseline()
    {
        var node = JsonNode.Parse(_body)!;
        return (string?)node["method"];
    }

    [Benchmark(Description = "JsonSerializer typed envelope")]
    public string? JsonSerializerBaseline()
        => JsonSerializer.Deserialize(_body, BaselineJsonContext.Default.BaselineRequest)!.Method;

    [Benchmark(Description = "JsonRpcReader single segment")]
    public McpMethod ReaderSingleSegment()
    {
        var payload = JsonRpcReader.Read(_single);
        return payload.Single.Message.Method;
    }

    [Benchmark(Description = "JsonRpcReader two segments")]
    public McpMethod ReaderMultiSegment()
    {
        var payload = JsonRpcReader.Read(_multi);
        return payload.Single.Message.Method;
    }

    [Benchmark(Description = "JsonRpcReader + typed params")]
    public string ReaderThenTypedParams()
    {
        var m = JsonRpcReader.Read(_single).Single.Message;
        return m.DeserializeParams(McpJsonContext.Default.CallToolRequestParams)!.Name;
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.Tests;

[TestFixture]
[CancelAfter(60_000)]
public sealed class JsonRpcWriterTests
{
    private PooledBufferWriter _buffer = null!;
    private JsonRpcWriter _writer = null!;

    [SetUp]
    public void SetUp()
    {
        _buffer = new PooledBufferWriter(16);
        _writer = new JsonRpcWriter();
    }

    [TearDown]
    public void TearDown()
    {
        _buffer.Dispose();
        _writer.Dispose();
    }

    private string Written => Encoding.UTF8.GetString(_buffer.WrittenSpan);

    [Test]
    public void WriteRequest_GoldenBytes_JR01()
    {
        _writer.WriteRequest(_buffer, new RequestId(1), "ping", ReadOnlySpan<byte>.Empty);
        Written.Should().Be("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
    }

    [Test]
    public void WriteNotification_HasNoId_JR09()
    {
        _writer.WriteNotification(_buffer, "notifications/initialized"u8, default);
        Written.Should().Be("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    }

    [Test]
    public void WriteResponse_EmptyResultIsObject_JR06()
    {
        _writer.WriteResponse(_buffer, new RequestId("a"), ReadOnlySpan<byte>.Empty);
        Written.Should().Be("""{"jsonrpc":"2.0","id":"a","result":{}}""");
    }

    [Test]
    public void WriteError_WithUnreadableId_WritesNull_JR08()
    {
        _writer.WriteError(_buffer, RequestId.None, JsonRpcErrorCode.ParseError, "Parse error");
        Written.Should().Be("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""");
    }

    [Test]
    public void WriteError_FromReadError_EchoesIdAndCode_MVR18()
    {
        var payload = JsonRpcReader.Read("""{"jsonrpc":"1.0","id":"z","method":"x"}"""u8.ToArray());
        _writer.WriteError(_buffer, payload.Single.Error);
        using var doc = JsonDocument.Parse(_buffer.WrittenMemory);
        doc.RootElement.GetProperty("id").GetString().Should().Be("z");
        doc.RootElement.GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32600);
    }

    [Test]
    public void WriteError_TypedData_UnsupportedProtocolVersion_MVR02()
    {
        var data = new UnsupportedProtocolVersionErrorData { Supported = ["2026-07-28"], Requested = "1900-01-01" };
        _writer.WriteError(_buffer, new RequestId(1), JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", data, McpJsonContext.Default.UnsupportedProtocolVersionErrorData);
        Written.Should().Be("""{"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":["2026-07-28"],"requested":"1900-01-01"}}}""");
    }

    [Test]
    public void WriteError_TypedData_MissingCapabilityIsAnObject_MVR07()
    {
        var data = new MissingRequiredClientCapabilityErrorData
        {
            RequiredCapabilities = new ClientCapabilities { Elicitation = JsonDocument.Parse("{}").RootElement },
        };
        _writer.WriteError(_buffer, new RequestId(1), JsonRpcErrorCode.MissingRequiredClientCapability, "Missing capability", data, McpJsonContext.Default.MissingRequiredClientCapabilityErrorData);
        Written.Should().Contain("""
            "data":{"requiredCapabilities":{"elicitation":{}}}
            """);
    }

    [Test]
    public void WriteProgressNotification_GoldenBytes_UT02()
    {
        _writer.WriteProgressNotification(_buffer, new ProgressToken("t"), 50, 100, "half");
        Written.Should().Be("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":50,"total":100,"message":"half"}}""");
        _buffer.Clear();
        _writer.WriteProgressNotification(_buffer, new ProgressToken(7), 0.5);
        Written.Should().Be("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":7,"progress":0.5}}""");
    }

    [TestCase(0d)]
    [TestCase(1d)]
    [TestCase(-3d)]
    [TestCase(-0d)]
    [TestCase(0.5)]
    [TestCase(1e-7)]
    [TestCase(123456789012345d)]
    [TestCase(999999999999999d)]
    [TestCase(1e15)]
    [TestCase(-1e15)]
    [TestCase(4503599627370497d)]
    [TestCase(double.MaxValue)]
    public void WriteProgressNotification_NumbersAreTheTextTheDoubleWouldBe_UT02(double value)
    {
        // Integral values take a shortcut; the text must still be what Utf8JsonWriter writes for the double.
        using var expected = new MemoryStream();
        using (var json = new Utf8JsonWriter(expected))
        {
            json.WriteNumberValue(value);
        }

        var text = Encoding.UTF8.GetString(expected.ToArray());
        _writer.WriteProgressNotification(_buffer, new ProgressToken(1), value, value);
        Written.Should().Be("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":" + text + ",\"total\":" + text + "}}");
    }

    [Test]
    public void WriteLogNotification_GoldenBytes_UT19()
    {
        _writer.WriteLogNotification(_buffer, LoggingLevel.Info.ToUtf8(), "Processing a.txt (1/3)");
        Written.Should().Be("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"Processing a.txt (1/3)"}}""");
    }

    [Test]
    public void WriteCancelledNotification_GoldenBytes_UT08()
    {
        _writer.WriteCancelledNotification(_buffer, new RequestId(3), "timeout");
        Written.Should().Be("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3,"reason":"timeout"}}""");
    }

    [Test]
    public void Output_NeverHasRawLineBreaks_TR45()
    {
        _writer.WriteLogNotification(_buffer, "info"u8, "line1\nline2\r\nline3\u2028");
        _buffer.WrittenSpan.IndexOfAny((byte)'\n', (byte)'\r').Should().Be(-1);
        Written.Should().Contain("line1\\nline2\\r\\nline3");
    }

    [Test]
    public void RawResultWithLineBreaks_IsMadeCompact_ValuesUnchanged()
    {
        var raw = "{\n  \"a\": 1.50,\n  \"s\": \"x\\u0041\\n\",\r\n  \"n\": [ 1e3, null, true ]\n}"u8;
        _writer.WriteResponse(_buffer, new RequestId(1), raw);
        Written.Should().Be("""{"jsonrpc":"2.0","id":1,"result":{"a":1.50,"s":"x\u0041\n","n":[1e3,null,true]}}""");
    }

    [Test]
    public void RawResultWithoutLineBreaks_IsWrittenVerbatim()
    {
        var raw = """{ "a" : 1.50 , "s":"\u00e9" }"""u8;
        _writer.WriteResponse(_buffer, new RequestId(1), raw);
        Written.Should().Be("""{"jsonrpc":"2.0","id":1,"result":{ "a" : 1.50 , "s":"\u00e9" }}""");
    }

    [Test]
    public void RawResult_Malformed_Throws()
    {
        FluentActions.Invoking(() => _writer.WriteResponse(_buffer, new RequestId(1), "{\"a\":"u8.ToArray()))
            .Should().Throw<Exception>();
    }

    [Test]
    public void WriteRequest_TypedParams_RoundTrips()
    {
        var p = new CallToolRequestParams { Name = "echo", Arguments = JsonDocument.Parse("""{"text":"hi"}""").RootElement };
        _writer.WriteRequest(_buffer, new RequestId("r"), McpMethods.ToolsCall, p, McpJsonContext.Default.CallToolRequestParams);
        var payload = JsonRpcReader.Read(_buffer.WrittenMemory);
        var m = payload.Single.Message;
        m.Method.Should().Be(McpMethod.ToolsCall);
        m.Id.Should().Be(new RequestId("r"));
        m.Envelope.GetName().Should().Be("echo");
        m.DeserializeParams(McpJsonContext.Default.CallToolRequestParams)!.Arguments!.Value.GetProperty("text").GetString().Should().Be("hi");
    }

    [Test]
    public void WriterReaderRoundTrip_EveryMessageKind()
    {
        var ids = new RequestId[] { 0, -1, long.MaxValue, "x", "", "é\"\\", RequestId.FromIntegerText("123456789012345678901234567890") };
        foreach (var id in ids)
        {
            _buffer.Clear();
            _writer.WriteRequest(_buffer, id, "tools/list", """{"cursor":"c"}"""u8);
            Check(JsonRpcMessageKind.Request, id, McpMethod.ToolsList);

            _buffer.Clear();
            _writer.WriteResponse(_buffer, id, """{"tools":[]}"""u8);
            Check(JsonRpcMessageKind.Response, id, McpMethod.Unknown);

            _buffer.Clear();
            _writer.WriteError(_buffer, id, -32601, "nope", """{"x":1}"""u8);
            Check(JsonRpcMessageKind.ErrorResponse, id, McpMethod.Unknown);
        }

        void Check(JsonRpcMessageKind kind, RequestId id, McpMethod method)
        {
            ReaderAssert.ForAllShapes(_buffer.WrittenSpan.ToArray(), (payload, shape) =>
            {
                var r = payload.Single;
                r.IsValid.Should().BeTrue(shape);
                r.Message.Kind.Should().Be(kind);
                r.Message.Id.Should().Be(id);
                r.Message.Method.Should().Be(method);
            });
        }
    }

    [Test]
    public void WriteResponse_Callback_NoIntermediateBuffer()
    {
        _writer.WriteResponse(_buffer, new RequestId(2), static (json, n) =>
        {
            json.WriteStartObject();
            json.WriteNumber("n"u8, n);
            json.WriteEndObject();
        }, 42);
        Written.Should().Be("""{"jsonrpc":"2.0","id":2,"result":{"n":42}}""");
    }

    [Test]
    public void Writer_IsReusableAcrossOutputs()
    {
        using var other = new PooledBufferWriter();
        _writer.WriteRequest(_buffer, 1, "ping", default);
        _writer.WriteRequest(other, 2, "ping", default);
        Written.Should().Be("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        Encoding.UTF8.GetString(other.WrittenSpan).Should().Be("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
    }

    [Test]
    public void PooledBufferWriter_GrowsAndAdvancesSafely()
    {
        using var b = new PooledBufferWriter(1);
        for (var i = 0; i < 1000; i++)
        {
            var span = b.GetSpan(3);
            "abc"u8.CopyTo(span);
            b.Advance(3);
        }

        b.WrittenCount.Should().Be(3000);
        b.WrittenSpan[2997..].SequenceEqual("abc"u8).Should().BeTrue();
        FluentActions.Invoking(() => b.Advance(b.Capacity)).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => b.Advance(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }
}

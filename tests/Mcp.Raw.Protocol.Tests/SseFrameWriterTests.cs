using System.Text;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Sse;

namespace Mcp.Raw.Protocol.Tests;

/// <summary>Golden wire bytes for every SSE frame shape (TR-45, TR-15, TR-22, TR-34, M-TR-17).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class SseFrameWriterTests
{
    private static string Frame(Action<PooledBufferWriter> write)
    {
        using var buffer = new PooledBufferWriter(8);
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [TestCase("", "data: \n\n")]
    [TestCase("x", "data: x\n\n")]
    [TestCase("{\"a\":1}", "data: {\"a\":1}\n\n")]
    [TestCase("a\nb", "data: a\ndata: b\n\n")]
    [TestCase("a\rb", "data: a\ndata: b\n\n")]
    [TestCase("a\r\nb", "data: a\ndata: b\n\n")]
    [TestCase("a\n\nb", "data: a\ndata: \ndata: b\n\n")]
    [TestCase("a\n", "data: a\ndata: \n\n")]
    [TestCase("\n", "data: \ndata: \n\n")]
    [TestCase("a\r", "data: a\ndata: \n\n")]
    [TestCase(" lead", "data:  lead\n\n")]
    public void WriteEvent_Data_GoldenBytes_TR45(string data, string expected)
        => Frame(b => SseFrameWriter.WriteEvent(b, Encoding.UTF8.GetBytes(data))).Should().Be(expected);

    [Test]
    public void WriteEvent_AllFields_GoldenBytes()
        => Frame(b => SseFrameWriter.WriteEvent(b, "{}"u8, new SseEventId("s1_5"), SseEventType.Message, 3000))
            .Should().Be("id: s1_5\nevent: message\nretry: 3000\ndata: {}\n\n");

    [Test]
    public void WriteEvent_EndpointEvent_HttpSse2024_TR70()
        => Frame(b => SseFrameWriter.WriteEvent(b, "/messages?sessionId=abc"u8, type: SseEventType.Endpoint))
            .Should().Be("event: endpoint\ndata: /messages?sessionId=abc\n\n");

    [Test]
    public void WritePrimingEvent_IdAndEmptyData_TR15()
        => Frame(b => SseFrameWriter.WritePrimingEvent(b, "s1_0"u8)).Should().Be("id: s1_0\ndata: \n\n");

    [Test]
    public void WritePrimingEvent_WithRetry_TR22()
        => Frame(b => SseFrameWriter.WritePrimingEvent(b, "s1_0"u8, 1000)).Should().Be("id: s1_0\nretry: 1000\ndata: \n\n");

    [Test]
    public void WriteRetry_Alone()
        => Frame(b => SseFrameWriter.WriteRetry(b, 0)).Should().Be("retry: 0\n\n");

    [TestCase("", ":\n\n")]
    [TestCase("keep-alive", ": keep-alive\n\n")]
    [TestCase("a\nb", ": a\n: b\n\n")]
    [TestCase("a\r\nb", ": a\n: b\n\n")]
    public void WriteComment_GoldenBytes_TR34(string text, string expected)
        => Frame(b => SseFrameWriter.WriteComment(b, Encoding.UTF8.GetBytes(text))).Should().Be(expected);

    [Test]
    public void BeginEndDataEvent_WrapsJsonWrittenInPlace()
    {
        using var writer = new JsonRpcWriter();
        var frame = Frame(b =>
        {
            SseFrameWriter.BeginDataEvent(b, "7"u8, SseEventType.Message);
            writer.WriteProgressNotification(b, new ProgressToken(1), 1, 2);
            SseFrameWriter.EndDataEvent(b);
        });
        frame.Should().Be("id: 7\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":1,\"total\":2}}\n\n");
    }

    [TestCase("a\nb")]
    [TestCase("a\rb")]
    [TestCase("a\0b")]
    public void SseEventId_RejectsLineBreaksAndNul_AtCreation(string id)
    {
        FluentActions.Invoking(() => new SseEventId(id)).Should().Throw<ArgumentException>().WithMessage("*id*");
        FluentActions.Invoking(() => new SseEventId(Encoding.UTF8.GetBytes(id))).Should().Throw<ArgumentException>();
    }

    [TestCase("a\nb")]
    [TestCase("")]
    public void SseEventType_RejectsInvalid_AtCreation(string name)
        => FluentActions.Invoking(() => new SseEventType(name)).Should().Throw<ArgumentException>();

    [Test]
    public void Retry_Negative_Throws()
        => FluentActions.Invoking(() => Frame(b => SseFrameWriter.WriteRetry(b, -1))).Should().Throw<ArgumentOutOfRangeException>();

    [Test]
    public void WriterToParser_RoundTrip_AllFrameShapes()
    {
        var datas = new[] { "", "x", "a\nb", "a\r\nb\rc", "\n\n", "{\"jsonrpc\":\"2.0\"}", "é ☃ 😀" };
        foreach (var data in datas)
        {
            var bytes = Encoding.UTF8.GetBytes(Frame(b => SseFrameWriter.WriteEvent(b, Encoding.UTF8.GetBytes(data), new SseEventId("id-1"), new SseEventType("t"))));
            foreach (var (shape, seq) in Segments.AllShapes(bytes))
            {
                using var parser = new SseParser();
                var buffer = seq;
                parser.TryReadEvent(ref buffer, out var e).Should().BeTrue(shape);
                // CR and CRLF come back as LF: SSE data lines are joined with LF.
                Encoding.UTF8.GetString(e.Data.Span).Should().Be(data.Replace("\r\n", "\n").Replace('\r', '\n'), shape);
                e.EventType.Should().Be("t");
                e.LastEventId.Should().Be("id-1");
            }
        }
    }
}

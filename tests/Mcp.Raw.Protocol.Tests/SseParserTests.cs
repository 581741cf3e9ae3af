using System.Buffers;
using System.Text;
using Mcp.Raw.Protocol.Sse;

namespace Mcp.Raw.Protocol.Tests;

/// <summary>
/// The client-side SSE parser (TR-47, M-CL-06). Every case is fed whole, split at every byte position into two
/// reads, and one byte per read.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class SseParserTests
{
    private sealed record Parsed(string Type, string Data, string? Id);

    /// <summary>Feeds the bytes as a stream of reads split at the given positions, the way a PipeReader would.</summary>
    private static (List<Parsed> Events, SseParser Parser) Feed(byte[] bytes, IEnumerable<int> cuts)
    {
        var parser = new SseParser();
        var events = new List<Parsed>();
        var pending = Array.Empty<byte>();
        var last = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            pending = [.. pending, .. bytes[last..cut]];
            last = cut;
            var buffer = new ReadOnlySequence<byte>(pending);
            while (parser.TryReadEvent(ref buffer, out var e))
            {
                events.Add(new Parsed(e.EventType, Encoding.UTF8.GetString(e.Data.Span), e.LastEventId));
            }

            pending = buffer.ToArray();
        }

        return (events, parser);
    }

    private static void ForAllSplits(string stream, Action<List<Parsed>, SseParser, string> check)
        => ForAllSplits(Encoding.UTF8.GetBytes(stream), check);

    private static void ForAllSplits(byte[] bytes, Action<List<Parsed>, SseParser, string> check)
    {
        var (events, parser) = Feed(bytes, []);
        check(events, parser, "whole");
        parser.Dispose();
        for (var i = 1; i < bytes.Length; i++)
        {
            (events, parser) = Feed(bytes, [i]);
            check(events, parser, $"split@{i}");
            parser.Dispose();
        }

        (events, parser) = Feed(bytes, Enumerable.Range(1, Math.Max(0, bytes.Length - 1)));
        check(events, parser, "per-byte");
        parser.Dispose();
    }

    [TestCase("data: hello\n\n")]
    [TestCase("data: hello\r\n\r\n")]
    [TestCase("data: hello\r\r")]
    [TestCase("data:hello\n\n")]
    [TestCase("data: hello\n\r\n")]
    public void LineEndings_LfCrCrlf_AllWork(string stream)
        => ForAllSplits(stream, (events, _, shape) =>
        {
            events.Should().ContainSingle(shape);
            events[0].Data.Should().Be("hello");
            events[0].Type.Should().Be("message");
        });

    [Test]
    public void MultiLineData_JoinedWithLf()
        => ForAllSplits("data: a\ndata: b\r\ndata:c\rdata\n\n", (events, _, shape) =>
        {
            events.Should().ContainSingle(shape);
            events[0].Data.Should().Be("a\nb\nc\n");
        });

    [Test]
    public void OnlyOneLeadingSpaceIsStripped()
        => ForAllSplits("data:  two\n\n", (events, _, shape) => events[0].Data.Should().Be(" two", shape));

    [Test]
    public void Comments_AreIgnored_MCL06()
        => ForAllSplits(": keep-alive\n\n:\n\ndata: x\n: inside\n\n", (events, _, shape) =>
        {
            events.Should().ContainSingle(shape);
            events[0].Data.Should().Be("x");
        });

    [Test]
    public void PrimingEvent_UpdatesLastEventId_WithEmptyData_TR47()
        => ForAllSplits("id: s1_0\ndata: \n\nid: s1_1\ndata: {}\n\n", (events, parser, shape) =>
        {
            events.Should().HaveCount(2, shape);
            events[0].Data.Should().BeEmpty();
            events[0].Id.Should().Be("s1_0");
            events[1].Id.Should().Be("s1_1");
            parser.LastEventId.Should().Be("s1_1");
        });

    [Test]
    public void IdOnlyBlock_UpdatesLastEventId_WithoutDispatch()
        => ForAllSplits("id: 42\n\n", (events, parser, shape) =>
        {
            events.Should().BeEmpty(shape);
            parser.LastEventId.Should().Be("42");
        });

    [Test]
    public void IdWithNul_IsIgnored()
        => ForAllSplits("id: a\0b\ndata: x\n\n", (events, parser, shape) =>
        {
            events[0].Id.Should().BeNull(shape);
            parser.LastEventId.Should().BeNull();
        });

    [Test]
    public void IdPersistsAcrossEvents()
        => ForAllSplits("id: 1\ndata: a\n\ndata: b\n\n", (events, _, shape) =>
        {
            events.Should().HaveCount(2, shape);
            events[1].Id.Should().Be("1");
        });

    [TestCase("retry: 3000\n\n", 3000)]
    [TestCase("retry:0\n\n", 0)]
    [TestCase("retry: 12a\n\n", null)]
    [TestCase("retry: -5\n\n", null)]
    [TestCase("retry: \n\n", null)]
    [TestCase("retry: 99999999999999\n\n", int.MaxValue)]
    public void Retry_RecordedWhenAllDigits(string stream, int? expected)
        => ForAllSplits(stream, (_, parser, shape) => parser.RetryMilliseconds.Should().Be(expected, shape));

    [Test]
    public void EventType_SetPerEvent_ThenResetToMessage()
        => ForAllSplits("event: endpoint\ndata: /messages?sessionId=1\n\ndata: x\n\n", (events, _, shape) =>
        {
            events.Should().HaveCount(2, shape);
            events[0].Type.Should().Be("endpoint");
            events[0].Data.Should().Be("/messages?sessionId=1");
            events[1].Type.Should().Be("message");
        });

    [Test]
    public void UnknownFields_AreIgnored()
        => ForAllSplits("foo: bar\nDATA: no\ndata: yes\nnocolon\n\n", (events, _, shape) =>
        {
            events.Should().ContainSingle(shape);
            events[0].Data.Should().Be("yes");
        });

    [Test]
    public void LeadingBom_IsSkippedOnce()
        => ForAllSplits([0xEF, 0xBB, 0xBF, .. "data: x\n\n"u8, 0xEF, 0xBB, 0xBF, .. "data: y\n\n"u8], (events, _, shape) =>
        {
            events.Should().HaveCount(1, shape);
            events[0].Data.Should().Be("x");
        });

    [Test]
    public void IncompleteEventAtEnd_IsNotDispatched()
        => ForAllSplits("data: a\n\ndata: b\n", (events, _, shape) =>
        {
            events.Should().ContainSingle(shape);
            events[0].Data.Should().Be("a");
        });

    [Test]
    public void Utf8SplitInsideMultibyteCharacter_IsReassembled()
        => ForAllSplits("data: é ☃ 😀\n\n", (events, _, shape) => events[0].Data.Should().Be("é ☃ 😀", shape));

    [Test]
    public void ManyEvents_InOneRead()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            sb.Append("id: ").Append(i).Append("\ndata: {\"n\":").Append(i).Append("}\n\n");
        }

        var (events, parser) = Feed(Encoding.UTF8.GetBytes(sb.ToString()), []);
        events.Should().HaveCount(100);
        events[99].Data.Should().Be("{\"n\":99}");
        parser.LastEventId.Should().Be("99");
        parser.Dispose();
    }

    [Test]
    public void LineOverLimit_Throws()
    {
        using var parser = new SseParser(maxEventBytes: 16);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: " + new string('x', 100)));
        FluentActions.Invoking(() => parser.TryReadEvent(ref buffer, out _)).Should().Throw<InvalidDataException>();
    }

    [Test]
    public void EventOverLimit_Throws()
    {
        using var parser = new SseParser(maxEventBytes: 32);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("data: 0123456789\n", 5)) + "\n"));
        FluentActions.Invoking(() => parser.TryReadEvent(ref buffer, out _)).Should().Throw<InvalidDataException>();
    }

    [Test]
    public void Reset_KeepsLastEventId_ForReconnect()
    {
        using var parser = new SseParser();
        var buffer = new ReadOnlySequence<byte>("id: 5\ndata: a\n\ndata: partial"u8.ToArray());
        parser.TryReadEvent(ref buffer, out _).Should().BeTrue();
        parser.Reset();
        parser.LastEventId.Should().Be("5");
        var next = new ReadOnlySequence<byte>("data: fresh\n\n"u8.ToArray());
        parser.TryReadEvent(ref next, out var e).Should().BeTrue();
        Encoding.UTF8.GetString(e.Data.Span).Should().Be("fresh");
        e.LastEventId.Should().Be("5");
    }
}

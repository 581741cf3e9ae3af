using System.Text;
using Mcp.Raw.Transport.Events;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Tests;

/// <summary>The event store's bounds per session and in total, the retention of finished streams, and ids that never repeat.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class EventStoreBoundsTests
{
    private static InMemoryEventStore Store(Action<StreamableHttpOptions> configure, TimeProvider? time = null)
    {
        var o = new StreamableHttpOptions();
        configure(o);
        return new InMemoryEventStore(Options.Create(o), time);
    }

    [Test]
    public async Task PerSession_FinishedStreamsGoFirst_ThenOldestEvents_TR44()
    {
        var store = Store(o => o.MaxEventBytesPerSession = 1_000);
        for (var i = 1; i <= 5; i++)
        {
            var key = new StreamKey("s", i);
            await store.AppendAsync(key, new byte[300]);
            await store.CompleteAsync(key);
        }

        store.TotalBytes.Should().BeLessThanOrEqualTo(1_000);
        (await store.OpenAsync(new StreamKey("s", 1), 0)).Should().BeNull("the oldest finished stream was dropped first");
        (await store.OpenAsync(new StreamKey("s", 5), 0)).Should().NotBeNull();

        // A live stream that alone exceeds the cap loses its oldest events; a resume into the gap is refused.
        var live = new StreamKey("s", 99);
        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync(live, new byte[300]);
        }

        store.TotalBytes.Should().BeLessThanOrEqualTo(1_000);
        await FluentActions.Awaiting(async () => await store.OpenAsync(live, 0)).Should().ThrowAsync<EventsLostException>();
    }

    [Test]
    public async Task Total_OldestFinishedStreamOfAnySessionGoesFirst_TR44()
    {
        var store = Store(o => o.MaxEventStoreBytes = 2_000);
        for (var s = 0; s < 10; s++)
        {
            var key = new StreamKey("session" + s, 1);
            await store.AppendAsync(key, new byte[500]);
            await store.CompleteAsync(key);
        }

        store.TotalBytes.Should().BeLessThanOrEqualTo(2_000);
        (await store.OpenAsync(new StreamKey("session0", 1), 0)).Should().BeNull();
        (await store.OpenAsync(new StreamKey("session9", 1), 0)).Should().NotBeNull();
    }

    [Test]
    public async Task AnEventLargerThanTheStreamCap_IsNotRetained_AndAResumeIntoItIsRefused_TR43()
    {
        var store = Store(o => o.MaxEventBytesPerStream = 100);
        var key = new StreamKey("s", 1);
        await store.CreateAsync(key);
        await store.AppendAsync(key, new byte[101]);
        store.TotalBytes.Should().Be(0);
        await FluentActions.Awaiting(async () => await store.OpenAsync(key, 0)).Should().ThrowAsync<EventsLostException>();
    }

    [Test]
    public async Task FinishedStreams_HaveTheirOwnShorterRetention_TR44()
    {
        var time = new ManualTime();
        var store = Store(o =>
        {
            o.CompletedStreamRetention = TimeSpan.FromSeconds(30);
            o.EventRetention = TimeSpan.FromMinutes(5);
        }, time);
        var finished = new StreamKey("s", 1);
        var running = new StreamKey("s", 2);
        await store.AppendAsync(finished, "{}"u8.ToArray());
        await store.CompleteAsync(finished);
        await store.AppendAsync(running, "{}"u8.ToArray());
        time.Advance(TimeSpan.FromSeconds(31));
        store.Evict();
        (await store.OpenAsync(finished, 0)).Should().BeNull();
        (await store.OpenAsync(running, 0)).Should().NotBeNull("a stream whose request still runs keeps the longer retention");
    }

    [Test]
    public async Task AnEvictedStreamThatStartsAgain_NeverReusesItsEventIds_TR38()
    {
        var time = new ManualTime();
        var store = Store(o => o.EventRetention = TimeSpan.FromSeconds(10), time);
        var standalone = new StreamKey("s", 0);
        var other = new StreamKey("s", 9);
        await store.AppendAsync(other, "{}"u8.ToArray());
        var first = await store.AppendAsync(standalone, Encoding.UTF8.GetBytes("{\"old\":1}"));
        await store.AppendAsync(standalone, Encoding.UTF8.GetBytes("{\"old\":2}"));
        time.Advance(TimeSpan.FromSeconds(11));
        store.Evict();

        var again = await store.AppendAsync(standalone, Encoding.UTF8.GetBytes("{\"new\":1}"));
        again.Should().BeGreaterThan(first, "the sequence goes on: the id of the old event is never given to a new one");

        // A client that saw only the first old event is told the rest is gone, never handed the new event as if it
        // followed.
        await FluentActions.Awaiting(async () => await store.OpenAsync(standalone, first)).Should().ThrowAsync<EventsLostException>();
    }

    [Test]
    public async Task Replay_ReadsFromItsPosition_InOrder_TR41()
    {
        var store = Store(o => o.MaxEventsPerStream = 100_000);
        var key = new StreamKey("s", 1);
        for (var i = 0; i < 20_000; i++)
        {
            await store.AppendAsync(key, "{}"u8.ToArray());
        }

        var reader = (await store.OpenAsync(key, 10_000))!;
        var expected = 10_001L;
        while (reader.TryRead(out var e))
        {
            e.Id.Sequence.Should().Be(expected++);
        }

        expected.Should().Be(20_001);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Test]
    public async Task PooledStorage_KeepsEveryRetainedEventIntact_ThroughGrowthAndDrops_TR41_TR43()
    {
        // Events of varying sizes, with the per-stream cap dropping the oldest as they come: the stream's buffer grows,
        // slides its live bytes down and is indexed anew; every event still retained must read back byte for byte.
        var store = Store(o => o.MaxEventsPerStream = 37);
        var key = new StreamKey("s", 1);
        var written = new Dictionary<long, string>();
        for (var i = 0; i < 2_000; i++)
        {
            var json = "{\"i\":" + i + ",\"pad\":\"" + new string((char)('a' + (i % 26)), i * 7 % 300) + "\"}";
            written[await store.AppendAsync(key, Encoding.UTF8.GetBytes(json))] = json;
        }

        var last = written.Keys.Max();
        var reader = (await store.OpenAsync(key, last - 37))!;
        var seen = 0;
        while (reader.TryRead(out var e))
        {
            Encoding.UTF8.GetString(e.Data.Span).Should().Be(written[e.Id.Sequence]);
            seen++;
        }

        seen.Should().Be(37);
    }

    [Test]
    public async Task TryWriteNext_FramesEachEventWithItsId_InOneWrite_TR41()
    {
        var store = Store(_ => { });
        var key = new StreamKey("tag", 7);
        await store.AppendAsync(key, "{\"a\":1}"u8.ToArray());
        await store.AppendAsync(key, "{\"b\":2}"u8.ToArray());
        var reader = (await store.OpenAsync(key, 0))!;
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        while (reader.TryWriteNext(output))
        {
        }

        Encoding.UTF8.GetString(output.WrittenSpan).Should().Be("id: tag.7.1\ndata: {\"a\":1}\n\nid: tag.7.2\ndata: {\"b\":2}\n\n");
    }

    [Test]
    public async Task DeliveredStreams_LeaveAfterTheShorterRetention_UndeliveredOnesStay_TR44()
    {
        var time = new ManualTime();
        var store = Store(o =>
        {
            o.DeliveredStreamRetention = TimeSpan.FromSeconds(5);
            o.CompletedStreamRetention = TimeSpan.FromSeconds(30);
        }, time);
        var delivered = new StreamKey("s", 1);
        var undelivered = new StreamKey("s", 2);
        await store.AppendAsync(delivered, "{}"u8.ToArray());
        await store.CompleteDeliveredAsync(delivered);
        await store.AppendAsync(undelivered, "{}"u8.ToArray());
        await store.CompleteAsync(undelivered);

        time.Advance(TimeSpan.FromSeconds(4));
        store.Evict();
        (await store.OpenAsync(delivered, 0)).Should().NotBeNull("a connection lost with the last bytes in flight can still resume");

        time.Advance(TimeSpan.FromSeconds(2));
        store.Evict();
        (await store.OpenAsync(delivered, 0)).Should().BeNull("its client had every event");
        (await store.OpenAsync(undelivered, 0)).Should().NotBeNull("a client that was gone when the stream ended resumes later");
        store.TotalBytes.Should().Be(2, "the delivered stream's bytes left the accounting with it");
    }

    private static async Task<List<(long Sequence, string Json)>> ReadAllAsync(InMemoryEventStore store, StreamKey key, long after)
    {
        var reader = (await store.OpenAsync(key, after))!;
        var events = new List<(long, string)>();
        while (reader.TryRead(out var e))
        {
            events.Add((e.Id.Sequence, Encoding.UTF8.GetString(e.Data.Span)));
        }

        return events;
    }

    [Test]
    public async Task DeliveredStream_ReplaysTheSameEventsFromTheArchive_TR44_TR41()
    {
        var store = Store(_ => { });
        var key = new StreamKey("s", 1);
        var written = new List<(long, string)>();
        for (var i = 0; i < 25; i++)
        {
            var json = "{\"i\":" + i + ",\"pad\":\"" + new string('x', i * 13) + "\"}";
            written.Add((await store.AppendAsync(key, Encoding.UTF8.GetBytes(json)), json));
        }

        var before = await ReadAllAsync(store, key, written[9].Item1);
        var bytes = store.TotalBytes;
        await store.CompleteDeliveredAsync(key);

        store.ArchiveSegments.InUse.Should().Be(1, "the delivered stream's events moved into the archive");
        (await ReadAllAsync(store, key, written[9].Item1)).Should().Equal(before).And.Equal(written.Skip(10));
        (await ReadAllAsync(store, key, 0)).Should().Equal(written);
        store.TotalBytes.Should().Be(bytes, "archiving moves the bytes, it does not count them twice");
    }

    [Test]
    public async Task ReaderOpenedBeforeDelivery_ReadsOnFromTheArchive_TR41()
    {
        var store = Store(_ => { });
        var key = new StreamKey("s", 1);
        for (var i = 0; i < 6; i++)
        {
            await store.AppendAsync(key, Encoding.UTF8.GetBytes("{\"i\":" + i + "}"));
        }

        var reader = (await store.OpenAsync(key, 0))!;
        reader.TryRead(out var first).Should().BeTrue();
        reader.TryRead(out _).Should().BeTrue();
        await store.CompleteDeliveredAsync(key);

        var rest = new List<string>();
        while (reader.TryRead(out var e))
        {
            rest.Add(Encoding.UTF8.GetString(e.Data.Span));
        }

        Encoding.UTF8.GetString(first.Data.Span).Should().Be("{\"i\":0}");
        rest.Should().Equal("{\"i\":2}", "{\"i\":3}", "{\"i\":4}", "{\"i\":5}");
        (await reader.WaitToReadAsync(CancellationToken.None)).Should().BeFalse("the stream is complete");
    }

    [Test]
    public async Task EventAfterDelivery_KeepsEveryEvent_TR41()
    {
        var store = Store(_ => { });
        var key = new StreamKey("s", 1);
        var first = await store.AppendAsync(key, "{\"a\":1}"u8.ToArray());
        await store.CompleteDeliveredAsync(key);
        var second = await store.AppendAsync(key, "{\"b\":2}"u8.ToArray());

        (await ReadAllAsync(store, key, 0)).Should().Equal((first, "{\"a\":1}"), (second, "{\"b\":2}"));
        store.ArchiveSegments.InUse.Should().Be(1, "the archive's current segment stays for the next record");
    }

    [Test]
    public async Task StreamTooLargeForARecord_KeepsItsOwnBuffers_AndReplays_TR41()
    {
        var store = Store(_ => { });
        var key = new StreamKey("s", 1);
        var big = "{\"pad\":\"" + new string('y', EventArchive.MaxRecordBytes) + "\"}";
        var sequence = await store.AppendAsync(key, Encoding.UTF8.GetBytes(big));
        await store.CompleteDeliveredAsync(key);

        store.ArchiveSegments.InUse.Should().Be(0);
        (await ReadAllAsync(store, key, 0)).Should().Equal((sequence, big));
    }

    [Test]
    public async Task ArchiveSegments_AreReusedOnceTheirStreamsLeave_MemoryFollowsTheLoad_TR44()
    {
        var time = new ManualTime();
        var store = Store(o => o.DeliveredStreamRetention = TimeSpan.FromSeconds(5), time);
        var payload = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('z', 2_000) + "\"}");

        async Task<int> FillAsync(long firstStream)
        {
            // 1,000 delivered streams of about 2 KB: several segments' worth.
            for (var s = firstStream; s < firstStream + 1_000; s++)
            {
                var key = new StreamKey("s" + (s % 8), s);
                await store.AppendAsync(key, payload);
                await store.CompleteDeliveredAsync(key);
            }

            return store.ArchiveSegments.InUse;
        }

        var inUse = await FillAsync(1);
        inUse.Should().BeGreaterThan(4);

        time.Advance(TimeSpan.FromSeconds(6));
        store.Evict();
        store.TotalBytes.Should().Be(0);
        var (afterInUse, spare) = store.ArchiveSegments;
        afterInUse.Should().Be(1, "only the segment being written stays in use");
        spare.Should().Be(inUse - 1, "emptied segments are kept while the load that filled them may come back");

        // The same load again takes the spares instead of new segments; after it, no more segments exist than before.
        (await FillAsync(1_001)).Should().Be(inUse);
        store.ArchiveSegments.Spare.Should().Be(0);

        // When the load stops, the spares that a whole reaper period did not take are let go (a few stay).
        time.Advance(TimeSpan.FromSeconds(6));
        store.Evict();
        store.ArchiveSegments.Spare.Should().Be(inUse - 1);
        store.Evict();
        store.ArchiveSegments.Spare.Should().BeLessThanOrEqualTo(4);
    }
}

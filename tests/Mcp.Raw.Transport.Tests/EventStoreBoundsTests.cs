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
            var key = new StreamKey("s", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await store.AppendAsync(key, new byte[300]);
            await store.CompleteAsync(key);
        }

        store.TotalBytes.Should().BeLessThanOrEqualTo(1_000);
        (await store.OpenAsync(new StreamKey("s", "1"), 0)).Should().BeNull("the oldest finished stream was dropped first");
        (await store.OpenAsync(new StreamKey("s", "5"), 0)).Should().NotBeNull();

        // A live stream that alone exceeds the cap loses its oldest events; a resume into the gap is refused.
        var live = new StreamKey("s", "live");
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
            var key = new StreamKey("session" + s, "1");
            await store.AppendAsync(key, new byte[500]);
            await store.CompleteAsync(key);
        }

        store.TotalBytes.Should().BeLessThanOrEqualTo(2_000);
        (await store.OpenAsync(new StreamKey("session0", "1"), 0)).Should().BeNull();
        (await store.OpenAsync(new StreamKey("session9", "1"), 0)).Should().NotBeNull();
    }

    [Test]
    public async Task AnEventLargerThanTheStreamCap_IsNotRetained_AndAResumeIntoItIsRefused_TR43()
    {
        var store = Store(o => o.MaxEventBytesPerStream = 100);
        var key = new StreamKey("s", "1");
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
        var finished = new StreamKey("s", "1");
        var running = new StreamKey("s", "2");
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
        var standalone = new StreamKey("s", "0");
        var other = new StreamKey("s", "9");
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
        var key = new StreamKey("s", "1");
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
}

using Mcp.Raw.Transport.Security;
using System.Net;
using System.Text;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Transport.Tests;

/// <summary>Bounded stores (TR-60, TR-44) and stream liveness (TR-34, M-TR-17, shutdown).</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class StoreTests
{
    private static IOptions<StreamableHttpOptions> Options(Action<StreamableHttpOptions> configure)
    {
        var o = new StreamableHttpOptions();
        configure(o);
        return Microsoft.Extensions.Options.Options.Create(o);
    }

    [Test]
    public void StreamEventId_Utf8FormatMatchesText_AndParsesBack_TR39()
    {
        var id = new StreamEventId(new StreamKey("AbC-_9x", 17), 42);
        Span<byte> utf8 = stackalloc byte[StreamEventId.MaxUtf8Length];
        var n = id.FormatUtf8(utf8);
        Encoding.UTF8.GetString(utf8[..n]).Should().Be(id.ToString()).And.Be("AbC-_9x.17.42");
        StreamEventId.TryParse(id.ToString(), out var back).Should().BeTrue();
        back.Should().Be(id);
    }

    [TestCase("")]
    [TestCase("tag")]
    [TestCase("tag.1")]
    [TestCase(".1.2")]
    [TestCase("tag..2")]
    [TestCase("tag.1.")]
    [TestCase("tag.x.2")]
    [TestCase("tag.1.2.3")]
    [TestCase("tag.+1.2")]
    [TestCase("tag.1. 2")]
    [TestCase("tag.-1.2")]
    [TestCase("tag.99999999999999999999.1")]
    public void StreamEventId_RejectsIdsWeNeverIssue_TR43(string text) =>
        StreamEventId.TryParse(text, out _).Should().BeFalse();

    [Test]
    public async Task EventStore_BoundedByCount_ReplayBeyondBoundThrows()
    {
        var store = new InMemoryEventStore(Options(o => o.MaxEventsPerStream = 3));
        var key = new StreamKey("t", 1);
        for (var i = 1; i <= 5; i++)
        {
            (await store.AppendAsync(key, Encoding.UTF8.GetBytes("{\"n\":" + i + "}"))).Should().Be(i);
        }

        var reader = await store.OpenAsync(key, 2);
        reader!.TryRead(out var e).Should().BeTrue();
        e.Id.Sequence.Should().Be(3);
        await FluentActions.Awaiting(async () => await store.OpenAsync(key, 1)).Should().ThrowAsync<EventsLostException>();
        await FluentActions.Awaiting(async () => await store.OpenAsync(key, 99)).Should().ThrowAsync<EventsLostException>("an id from the future is not ours");
        (await store.OpenAsync(new StreamKey("other", 1), 0)).Should().BeNull();
    }

    [Test]
    public async Task EventStore_BoundedByBytes()
    {
        var store = new InMemoryEventStore(Options(o => o.MaxEventBytesPerStream = 100));
        var key = new StreamKey("t", 1);
        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync(key, new byte[40]);
        }

        await FluentActions.Awaiting(async () => await store.OpenAsync(key, 0)).Should().ThrowAsync<EventsLostException>();
        (await store.OpenAsync(key, 8)).Should().NotBeNull();
    }

    [Test]
    public async Task EventStore_ReaderWaitsForLiveEvents_EndsOnComplete()
    {
        var store = new InMemoryEventStore(Options(_ => { }));
        var key = new StreamKey("t", 1);
        await store.AppendAsync(key, "{}"u8.ToArray());
        var reader = (await store.OpenAsync(key, 1))!;
        var wait = reader.WaitToReadAsync(CancellationToken.None).AsTask();
        wait.IsCompleted.Should().BeFalse();
        await store.AppendAsync(key, "{\"x\":1}"u8.ToArray());
        (await wait).Should().BeTrue();
        reader.TryRead(out var e).Should().BeTrue();
        Encoding.UTF8.GetString(e.Data.Span).Should().Be("{\"x\":1}");
        await store.CompleteAsync(key);
        (await reader.WaitToReadAsync(CancellationToken.None)).Should().BeFalse();
    }

    [Test]
    public async Task SessionStore_EvictsIdleSessions_TR60()
    {
        var time = new ManualTime();
        var options = Options(o => o.SessionIdleTimeout = TimeSpan.FromMinutes(1));
        var events = new InMemoryEventStore(options, time);
        await using var store = new InMemorySessionStore(options, events, time: time);
        var s = (await store.CreateAsync(McpProtocolVersion.V2025_11_25, false, SessionOwner.Local)).Session!;
        time.Advance(TimeSpan.FromSeconds(30));
        (await store.EvictIdleAsync()).Should().Be(0);
        time.Advance(TimeSpan.FromSeconds(61));
        (await store.EvictIdleAsync()).Should().Be(1);
        (await store.GetAsync(s.Id)).Should().BeNull();
        s.Ended.IsCancellationRequested.Should().BeTrue("eviction ends the session");
    }

    [Test]
    public async Task SessionStore_Cap_EvictsLeastRecentlyActive_TR60()
    {
        var time = new ManualTime();
        var options = Options(o => o.MaxSessions = 2);
        await using var store = new InMemorySessionStore(options, new InMemoryEventStore(options, time), time: time);
        var a = (await store.CreateAsync(McpProtocolVersion.V2025_11_25, false, SessionOwner.Local)).Session!;
        time.Advance(TimeSpan.FromSeconds(1));
        var b = (await store.CreateAsync(McpProtocolVersion.V2025_11_25, false, SessionOwner.Local)).Session!;
        time.Advance(TimeSpan.FromSeconds(1));
        await store.GetAsync(a.Id);
        var c = (await store.CreateAsync(McpProtocolVersion.V2025_11_25, false, SessionOwner.Local)).Session;
        c.Should().NotBeNull();
        store.Count.Should().Be(2);
        (await store.GetAsync(b.Id)).Should().BeNull("b was the least recently active");
        (await store.GetAsync(a.Id)).Should().NotBeNull();
    }

    [Test]
    public async Task StandaloneStream_SendsKeepAlives_AndUnsolicitedMessages_TR30_TR34()
    {
        await using var server = await TestServer.StartAsync(o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(100));
        var id = await server.InitializeAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Mcp-Session-Id", id);
        get.Headers.Add("Accept", "text/event-stream");
        using var response = await server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var text = new StringBuilder();
        var buffer = new byte[1024];
        while (!text.ToString().Contains(": keep-alive", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            n.Should().BePositive();
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        var session = (await server.Services.GetRequiredService<ISessionStore>().GetAsync(id))!;
        (await session.SendUnsolicitedAsync(static (w, o, _) => w.WriteNotification(o, "notifications/tools/list_changed"u8, default), 0)).Should().BeTrue();
        while (!text.ToString().Contains("list_changed", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            n.Should().BePositive();
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }

    [Test]
    public async Task Shutdown_EndsOpenStreams()
    {
        var server = await TestServer.StartAsync();
        var id = await server.InitializeAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Mcp-Session-Id", id);
        get.Headers.Add("Accept", "text/event-stream");
        using var response = await server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        var read = TestServer.ReadEventsAsync(response);
        var stop = server.DisposeAsync().AsTask();
        (await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10)))).Should().Be(stop, "shutdown must not wait on an open stream");
        await read.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task AnAppsOwnStoresAreSweptAndStoppedThroughTheSeams_TR60(CancellationToken cancellationToken)
    {
        // Stores from another assembly get what the in-memory ones get, with no downcast: the idle sweep on a timer
        // (sessions and events) and the stop at shutdown.
        RecordingSessionStore? sessions = null;
        RecordingEventStore? events = null;
        var server = await TestServer.StartAsync(o => o.SessionIdleTimeout = TimeSpan.FromSeconds(2), s =>
        {
            s.AddSingleton<IEventStore>(sp => events = new RecordingEventStore(new InMemoryEventStore(sp.GetRequiredService<IOptions<StreamableHttpOptions>>())));
            s.AddSingleton<ISessionStore>(sp => sessions = new RecordingSessionStore(new InMemorySessionStore(sp.GetRequiredService<IOptions<StreamableHttpOptions>>(), sp.GetRequiredService<IEventStore>())));
        }, null);
        try
        {
            var id = await server.InitializeAsync();
            sessions.Should().NotBeNull("the transport resolved the app's store");
            sessions!.Local.Select(x => x.Id).Should().Contain(id);
            (await sessions.Evicted.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken)).Should().BePositive("the timer's sweep evicts the idle session through ISessionStore");
            await events!.Swept.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            using var ping = TestServer.Post("""{"jsonrpc":"2.0","id":2,"method":"ping"}""", id);
            (await server.Client.SendAsync(ping, cancellationToken)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        finally
        {
            await server.DisposeAsync();
        }

        sessions.Stopped.Task.IsCompleted.Should().BeTrue("shutdown stops the session store through ISessionStore.StopAsync");
    }

    /// <summary>An app's own session store (here a decorator): what the transport calls, recorded.</summary>
    private sealed class RecordingSessionStore(InMemorySessionStore inner) : ISessionStore
    {
        public TaskCompletionSource<int> Evicted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => inner.Count;

        public IEnumerable<McpSession> Local => inner.Local;

        public ValueTask<SessionCreateResult> CreateAsync(McpProtocolVersion transportVersion, bool httpSse2024, SessionOwner owner, CancellationToken cancellationToken = default) => inner.CreateAsync(transportVersion, httpSse2024, owner, cancellationToken);

        public ValueTask<McpSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default) => inner.GetAsync(sessionId, cancellationToken);

        public ValueTask<bool> RemoveAsync(string sessionId, CancellationToken cancellationToken = default) => inner.RemoveAsync(sessionId, cancellationToken);

        public async ValueTask<int> EvictIdleAsync(CancellationToken cancellationToken = default)
        {
            var evicted = await inner.EvictIdleAsync(cancellationToken);
            if (evicted > 0)
            {
                Evicted.TrySetResult(evicted);
            }

            return evicted;
        }

        public async ValueTask StopAsync(CancellationToken cancellationToken = default)
        {
            await inner.StopAsync(cancellationToken);
            Stopped.TrySetResult();
        }
    }

    /// <summary>An app's own event store (a decorator): records the sweep.</summary>
    private sealed class RecordingEventStore(InMemoryEventStore inner) : IEventStore
    {
        public TaskCompletionSource Swept { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask CreateAsync(StreamKey stream, CancellationToken cancellationToken = default) => inner.CreateAsync(stream, cancellationToken);

        public ValueTask<long> AppendAsync(StreamKey stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.AppendAsync(stream, data, cancellationToken);

        public ValueTask CompleteAsync(StreamKey stream, CancellationToken cancellationToken = default) => inner.CompleteAsync(stream, cancellationToken);

        public ValueTask CompleteDeliveredAsync(StreamKey stream, CancellationToken cancellationToken = default) => inner.CompleteDeliveredAsync(stream, cancellationToken);

        public ValueTask<IEventStreamReader?> OpenAsync(StreamKey stream, long afterSequence, CancellationToken cancellationToken = default) => inner.OpenAsync(stream, afterSequence, cancellationToken);

        public ValueTask RemoveSessionAsync(string sessionTag, CancellationToken cancellationToken = default) => inner.RemoveSessionAsync(sessionTag, cancellationToken);

        public async ValueTask EvictExpiredAsync(CancellationToken cancellationToken = default)
        {
            await inner.EvictExpiredAsync(cancellationToken);
            Swept.TrySetResult();
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}

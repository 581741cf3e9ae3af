using Mcp.Raw.Protocol.Mcp;
using Microsoft.AspNetCore.DataProtection;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Sessions;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Mcp.Raw.Redis.Tests;

/// <summary>
/// The Redis stores through their seams, each "node" a service provider of its own (its own multiplexer, its own
/// copies of sessions) against one real Redis. Every test has a key prefix of its own.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class RedisStoreTests
{
    private RedisServer _redis = null!;

    [OneTimeSetUp]
    public async Task StartRedis() => _redis = await RedisServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopRedis() => await _redis.DisposeAsync();

    [Test]
    public async Task ASessionMadeOnOneNodeIsServedByAnother_WithItsOwnerAndLifecycle()
    {
        await using var nodes = Nodes();
        var owner = new SessionOwner("issuer\nalice", "10.0.0.1", "/mcp");
        var created = (await nodes.A.Sessions.CreateAsync(McpProtocolVersion.Unknown, httpSse2024: false, owner)).Session!;
        created.Negotiate(McpProtocolVersion.V2025_06_18, new ClientCapabilities { Roots = new() }, new Implementation { Name = "client", Version = "2" });
        created.RestoreLifecycle(initialized: true, clientReady: true);
        await nodes.A.Sessions.SaveAsync(created);

        var copy = await nodes.B.Sessions.GetAsync(created.Id);

        copy.Should().NotBeNull("any node finds a live session");
        copy.Should().NotBeSameAs(created);
        copy!.Tag.Should().Be(created.Tag);
        copy.Owner.Should().Be(owner, "the owner is recorded, so every node checks it (SEC-07)");
        copy.ProtocolVersion.Should().Be(McpProtocolVersion.V2025_06_18);
        copy.IsInitialized.Should().BeTrue();
        copy.ClientReady.Should().BeTrue();
        copy.ClientCapabilities!.Roots.Should().NotBeNull();
        copy.ClientInfo!.Name.Should().Be("client");
        nodes.B.Sessions.Local.Should().Contain(copy, "the node serving it holds a copy");
        (await nodes.B.Sessions.GetAsync(created.Id)).Should().BeSameAs(copy, "one copy per node");
    }

    [Test]
    public async Task ADeleteOnOneNodeEndsTheSessionOnEveryNode(CancellationToken cancellationToken)
    {
        await using var nodes = Nodes();
        var created = (await nodes.A.Sessions.CreateAsync(McpProtocolVersion.V2025_11_25, false, SessionOwner.Local, cancellationToken: cancellationToken)).Session!;
        var copy = (await nodes.B.Sessions.GetAsync(created.Id, cancellationToken: cancellationToken))!;
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = copy.Ended.Register(() => ended.TrySetResult());

        (await nodes.A.Sessions.RemoveAsync(created.Id, cancellationToken: cancellationToken)).Should().BeTrue();

        await ended.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        nodes.B.Sessions.Local.Should().NotContain(copy, "the other node's copy ended when the session did");
        (await nodes.B.Sessions.GetAsync(created.Id, cancellationToken: cancellationToken)).Should().BeNull();
        (await nodes.C.Sessions.GetAsync(created.Id, cancellationToken: cancellationToken)).Should().BeNull();
        (await nodes.B.Sessions.RemoveAsync(created.Id, cancellationToken: cancellationToken)).Should().BeFalse("a second DELETE finds nothing");
    }

    [Test]
    public async Task AnExpiredSessionIsGoneOnEveryNode(CancellationToken cancellationToken)
    {
        await using var nodes = Nodes(o => o.SessionIdleTimeout = TimeSpan.FromMilliseconds(500));
        var created = (await nodes.A.Sessions.CreateAsync(McpProtocolVersion.V2025_11_25, false, SessionOwner.Local, cancellationToken: cancellationToken)).Session!;

        // Redis says when the key expires: the test waits for that event, not for a time.
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration + ",allowAdmin=true");
        await using (multiplexer)
        {
            await multiplexer.GetServers()[0].ConfigSetAsync("notify-keyspace-events", "Ex");
            var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var key = nodes.Prefix + "s:" + created.Id;
            await multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal("__keyevent@0__:expired"), (_, k) =>
            {
                if (k == key)
                {
                    expired.TrySetResult();
                }
            });
            (await nodes.B.Sessions.GetAsync(created.Id, cancellationToken: cancellationToken)).Should().NotBeNull("it lives until it has been idle for the timeout");
            await expired.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        }

        (await nodes.A.Sessions.GetAsync(created.Id, cancellationToken: cancellationToken)).Should().BeNull("expiry gives 404 on the node that made it");
        (await nodes.B.Sessions.GetAsync(created.Id, cancellationToken: cancellationToken)).Should().BeNull("and on every other");
        nodes.A.Sessions.Local.Should().BeEmpty("a lookup that finds the session gone ends the node's copy");
        created.IsDisposed.Should().BeTrue();
    }

    [Test]
    public async Task TheCapsHoldAcrossNodes_TR60()
    {
        await using var nodes = Nodes(o =>
        {
            o.MaxSessions = 2;
            o.MaxAnonymousSessionsPerAddress = 1;
        });
        var x = new SessionOwner(null, "10.0.0.1", "/mcp");
        var y = new SessionOwner(null, "10.0.0.2", "/mcp");
        var z = new SessionOwner(null, "10.0.0.3", "/mcp");
        (await nodes.A.Sessions.CreateAsync(McpProtocolVersion.Unknown, false, x)).Session.Should().NotBeNull();
        (await nodes.B.Sessions.CreateAsync(McpProtocolVersion.Unknown, false, x)).Refusal.Should().Be(RejectionReason.SessionQuotaExceeded, "one client's quota counts its sessions on every node");
        (await nodes.B.Sessions.CreateAsync(McpProtocolVersion.Unknown, false, y)).Session.Should().NotBeNull();
        (await nodes.C.Sessions.CreateAsync(McpProtocolVersion.Unknown, false, z)).Refusal.Should().Be(RejectionReason.TooManySessions, "the table's cap counts every node's sessions");
    }

    [Test]
    public async Task AReaderOnAnotherNodeReplaysExactlyTheMissedEvents_ThenGetsNewOnesAsTheyAreAppended_TR41(CancellationToken cancellationToken)
    {
        await using var nodes = Nodes();
        var key = new StreamKey("tag1", 7);
        await nodes.A.Events.CreateAsync(key, cancellationToken: cancellationToken);
        for (var i = 1; i <= 3; i++)
        {
            (await nodes.A.Events.AppendAsync(key, Json(i), cancellationToken: cancellationToken)).Should().Be(i);
        }

        var reader = (await nodes.B.Events.OpenAsync(key, afterSequence: 1, cancellationToken: cancellationToken))!;
        try
        {
            (await ReadAvailableAsync(reader, cancellationToken)).Should().Equal(2, 3);

            // Nothing more yet: the reader waits; the append on the other node wakes it.
            var waiting = reader.WaitToReadAsync(cancellationToken).AsTask();
            waiting.IsCompleted.Should().BeFalse();
            await nodes.A.Events.AppendAsync(key, Json(4), cancellationToken: cancellationToken);
            (await waiting.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken)).Should().BeTrue();
            reader.TryRead(out var fourth).Should().BeTrue();
            fourth.Id.Should().Be(new StreamEventId(key, 4));
            System.Text.Encoding.UTF8.GetString(fourth.Data.Span).Should().Be("{\"n\":4}");

            await nodes.A.Events.CompleteAsync(key, cancellationToken: cancellationToken);
            (await reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken)).Should().BeFalse("a complete stream ends its readers");
        }
        finally
        {
            await ((IAsyncDisposable)reader).DisposeAsync();
        }
    }

    [Test]
    public async Task EventsDroppedByTheBoundAreReported_NeverSkipped_TR43()
    {
        await using var nodes = Nodes(o => o.MaxEventsPerStream = 2);
        var key = new StreamKey("tag2", 1);
        await nodes.A.Events.CreateAsync(key);
        for (var i = 1; i <= 5; i++)
        {
            await nodes.A.Events.AppendAsync(key, Json(i));
        }

        var act = async () => await nodes.B.Events.OpenAsync(key, afterSequence: 1);
        await act.Should().ThrowAsync<EventsLostException>("events 2 and 3 are gone: a replay would have a gap");
        var tail = (await nodes.B.Events.OpenAsync(key, afterSequence: 3))!;
        tail.TryRead(out var next).Should().BeTrue();
        next.Id.Sequence.Should().Be(4, "what is retained still replays");
        await ((IAsyncDisposable)tail).DisposeAsync();
    }

    [Test]
    public async Task AnUnknownOrRemovedStreamOpensAsNull_TR43()
    {
        await using var nodes = Nodes();
        (await nodes.B.Events.OpenAsync(new StreamKey("nope", 1), 0)).Should().BeNull();
        var key = new StreamKey("tag3", 1);
        await nodes.A.Events.CreateAsync(key);
        await nodes.A.Events.AppendAsync(key, Json(1));
        await nodes.A.Events.RemoveSessionAsync("tag3");
        (await nodes.B.Events.OpenAsync(key, 0)).Should().BeNull("a session's end forgets its streams");
    }

    [Test]
    public async Task ALastEventIdBeyondTheStreamIsRefused_NeverAGuess_TR43(CancellationToken cancellationToken)
    {
        await using var nodes = Nodes();
        var key = new StreamKey("tag4", 1);
        await nodes.A.Events.CreateAsync(key, cancellationToken);
        await nodes.A.Events.AppendAsync(key, Json(1), cancellationToken);
        var future = async () => await nodes.B.Events.OpenAsync(key, afterSequence: 100, cancellationToken);
        await future.Should().ThrowAsync<EventsLostException>("event 100 never existed");
        var last = async () => await nodes.B.Events.OpenAsync(key, afterSequence: long.MaxValue, cancellationToken);
        await last.Should().ThrowAsync<EventsLostException>("no overflow into a malformed stream id");
    }

    [Test]
    public async Task A2024ConnectionIsServedOnlyByItsNode_AndItsQuotaIsFreedWhenItEnds_TR60(CancellationToken cancellationToken)
    {
        await using var nodes = Nodes(o => o.MaxAnonymousSessionsPerAddress = 1);
        var owner = new SessionOwner(null, "10.0.0.9", "/mcp");
        var connection = (await nodes.A.Sessions.CreateAsync(McpProtocolVersion.V2024_11_05, httpSse2024: true, owner, cancellationToken)).Session!;
        (await nodes.A.Sessions.GetAsync(connection.Id, cancellationToken)).Should().BeSameAs(connection);
        (await nodes.B.Sessions.GetAsync(connection.Id, cancellationToken)).Should().BeNull("its /messages can only be answered on the node holding its SSE connection");
        (await nodes.B.Sessions.CreateAsync(McpProtocolVersion.V2024_11_05, true, owner, cancellationToken)).Refusal.Should().Be(RejectionReason.SessionQuotaExceeded);
        (await nodes.B.Sessions.CreateAsync(McpProtocolVersion.Unknown, false, owner, cancellationToken)).Session.Should().NotBeNull("2024-11-05 connections count apart from 2025 sessions");

        (await nodes.A.Sessions.RemoveAsync(connection.Id, cancellationToken)).Should().BeTrue();
        (await nodes.B.Sessions.CreateAsync(McpProtocolVersion.V2024_11_05, true, owner, cancellationToken)).Session.Should().NotBeNull("the ended connection's quota slot is free again");
    }

    [Test]
    public void TheRequestStateKeyRingIsItsOwn_TheAppsDataProtectionStaysAsTheAppSetIt()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDataProtection().SetApplicationName("the-app");
        services.AddMcpRawRedis(_redis.Configuration, o => o.KeyPrefix = "dp" + Guid.NewGuid().ToString("N")[..8] + ":");
        using var provider = services.BuildServiceProvider();

        var app = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.DataProtection.DataProtectionOptions>>().Value;
        app.ApplicationDiscriminator.Should().Be("the-app", "the app's cookies and antiforgery tokens keep their keys");
        var keys = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>().Value;
        keys.XmlRepository.Should().BeNull("the app's key ring is not moved into Redis");

        var protector = provider.GetRequiredService<IMcpStateProtector>();
        var sealedState = protector.Protect([1, 2, 3]);
        protector.Unprotect(sealedState).Should().Equal(1, 2, 3);
        sealedState[^1] ^= 0xFF;
        protector.Unprotect(sealedState).Should().BeNull("a tampered state does not open");
    }

    private static ReadOnlyMemory<byte> Json(int n) => System.Text.Encoding.UTF8.GetBytes("{\"n\":" + n + "}");

    private static async Task<List<long>> ReadAvailableAsync(IEventStreamReader reader, CancellationToken cancellationToken)
    {
        var read = new List<long>();
        (await reader.WaitToReadAsync(cancellationToken)).Should().BeTrue();
        while (reader.TryRead(out var e))
        {
            read.Add(e.Id.Sequence);
        }

        return read;
    }

    private RedisNodes Nodes(Action<StreamableHttpOptions>? configure = null) => new(_redis.Configuration, "t" + Guid.NewGuid().ToString("N")[..8] + ":", configure);
}

/// <summary>Three nodes' stores (A, B, C) sharing one Redis under one prefix.</summary>
internal sealed class RedisNodes(string configuration, string prefix, Action<StreamableHttpOptions>? configure) : IAsyncDisposable
{
    public string Prefix => prefix;

    public RedisNode A { get; } = new(configuration, prefix, configure);

    public RedisNode B { get; } = new(configuration, prefix, configure);

    public RedisNode C { get; } = new(configuration, prefix, configure);

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await C.DisposeAsync();
    }
}

/// <summary>One node's stores, resolved the way an app resolves them.</summary>
internal sealed class RedisNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public RedisNode(string configuration, string prefix, Action<StreamableHttpOptions>? configure)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<StreamableHttpOptions>().Configure(o => configure?.Invoke(o));
        services.AddMcpRawRedis(configuration, o => o.KeyPrefix = prefix);
        _services = services.BuildServiceProvider();
        Sessions = _services.GetRequiredService<ISessionStore>();
        Events = _services.GetRequiredService<IEventStore>();
    }

    public ISessionStore Sessions { get; }

    public IEventStore Events { get; }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

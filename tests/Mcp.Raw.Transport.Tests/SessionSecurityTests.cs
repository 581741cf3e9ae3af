using System.Net;
using System.Net.Http.Headers;
using Mcp.Raw.Transport.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Transport.Tests;

/// <summary>
/// Sessions bound to their principal and mapping (SEC-07, A-11), one convention builder over every route, caps that
/// answer 429/503 with Retry-After, and sessions that hold under churn.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class SessionSecurityTests
{
    private const string AliceKey = "alice-key-0123456789";
    private const string BobKey = "bob-key-0123456789ab";
    private const string Ping = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}";

    private static Task<TestServer> StartWithKeysAsync(Action<StreamableHttpOptions>? transport = null) => TestServer.StartAsync(
        transport,
        services => services.AddMcpRawAuthentication(a =>
        {
            a.ApiKeys.Add(new McpApiKey("alice", AliceKey));
            a.ApiKeys.Add(new McpApiKey("bob", BobKey));
        }),
        null);

    private static HttpRequestMessage As(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static async Task<string> InitializeAsync(TestServer server, string key, string version = "2025-11-25")
    {
        using var response = await server.Client.SendAsync(As(TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"), key));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var id = response.Headers.GetValues("Mcp-Session-Id").Single();
        using var initialized = await server.Client.SendAsync(As(TestServer.Post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", id, version), key));
        initialized.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return id;
    }

    [Test]
    public async Task RequireAuthorization_CoversEveryRoute_AllEras_A11_TR72()
    {
        await using var server = await TestServer.StartAsync(
            null,
            services => services.AddMcpRawAuthentication(a =>
            {
                a.ApiKeys.Add(new McpApiKey("alice", AliceKey));
                a.RequireOnMapMcpRaw = false;
            }),
            app => app.MapMcpRaw("/mcp").RequireAuthorization());

        var requests = new List<HttpRequestMessage>
        {
            TestServer.Post(Ping, version: "2025-11-25"),
            new(HttpMethod.Get, "/mcp"),
            new(HttpMethod.Delete, "/mcp"),
            new(HttpMethod.Put, "/mcp"),
            new(HttpMethod.Get, "/sse"),
            TestServer.Post(Ping),
        };
        requests[^1].RequestUri = new Uri("/messages?sessionId=abc", UriKind.Relative);
        foreach (var request in requests)
        {
            request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
            using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{request.Method} {request.RequestUri}");
        }
    }

    [Test]
    public async Task TwoMappings_EachWithItsOwnHttpSse2024Paths_DoNotCollide_TR70()
    {
        await using var server = await TestServer.StartAsync(null, null, app =>
        {
            app.MapMcpRaw("/a/mcp");
            app.MapMcpRaw("/b/mcp");
        });

        foreach (var prefix in new[] { "/a", "/b" })
        {
            using var sse = new HttpRequestMessage(HttpMethod.Get, prefix + "/sse");
            sse.Headers.Add("Accept", "text/event-stream");
            using var response = await server.Client.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK, prefix);
            var events = await TestServer.ReadEventsAsync(response, e => e.Type == "endpoint");
            var endpoint = events.Last().Data;
            endpoint.Should().StartWith(prefix + "/messages?sessionId=");

            // A session of one mapping is unknown to the other.
            var other = prefix == "/a" ? "/b" : "/a";
            using var cross = TestServer.Post(Ping);
            cross.RequestUri = new Uri(endpoint.Replace(prefix, other, StringComparison.Ordinal), UriKind.Relative);
            (await server.Client.SendAsync(cross)).StatusCode.Should().Be(HttpStatusCode.NotFound);
            using var own = TestServer.Post(Ping);
            own.RequestUri = new Uri(endpoint, UriKind.Relative);
            (await server.Client.SendAsync(own)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }
    }

    [Test]
    public async Task TwoMappings_WithTheSameHttpSse2024Paths_FailAtMapTime()
    {
        var act = async () =>
        {
            await using var server = await TestServer.StartAsync(null, null, app =>
            {
                app.MapMcpRaw("/mcp");
                app.MapMcpRaw("/mcp2");
            });
        };
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("HttpSse2024Path");
    }

    [Test]
    public async Task AnotherPrincipal_GetsNotFound_OnPostGetResumeAndDelete_SEC06_SEC07()
    {
        await using var server = await StartWithKeysAsync();
        var session = await InitializeAsync(server, AliceKey);

        using (var post = await server.Client.SendAsync(As(TestServer.Post(Ping, session, "2025-11-25"), BobKey)))
        {
            post.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        foreach (var lastEventId in new string?[] { null, "x.1.1" })
        {
            using var get = As(new HttpRequestMessage(HttpMethod.Get, "/mcp"), BobKey);
            get.Headers.Add("Mcp-Session-Id", session);
            get.Headers.Add("Accept", "text/event-stream");
            if (lastEventId is not null)
            {
                get.Headers.Add("Last-Event-ID", lastEventId);
            }

            using var response = await server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, lastEventId ?? "standalone");
        }

        using (var delete = As(new HttpRequestMessage(HttpMethod.Delete, "/mcp"), BobKey))
        {
            delete.Headers.Add("Mcp-Session-Id", session);
            (await server.Client.SendAsync(delete)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        // Alice's session is untouched.
        using var mine = await server.Client.SendAsync(As(TestServer.Post(Ping, session, "2025-11-25"), AliceKey));
        mine.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task AnotherPrincipal_CannotPostToAnHttpSse2024Session_SEC07()
    {
        await using var server = await StartWithKeysAsync();
        using var sse = As(new HttpRequestMessage(HttpMethod.Get, "/sse"), AliceKey);
        sse.Headers.Add("Accept", "text/event-stream");
        using var stream = await server.Client.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead);
        var endpoint = (await TestServer.ReadEventsAsync(stream, e => e.Type == "endpoint")).Last().Data;

        using var bob = As(TestServer.Post(Ping), BobKey);
        bob.RequestUri = new Uri(endpoint, UriKind.Relative);
        (await server.Client.SendAsync(bob)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task PrincipalAtItsSessionCap_EvictsItsOwnIdleSession_ThenGets429_SEC07_TR60()
    {
        await using var server = await StartWithKeysAsync(o => o.MaxSessionsPerPrincipal = 2);
        var first = await InitializeAsync(server, AliceKey);
        var second = await InitializeAsync(server, AliceKey);
        var bobs = await InitializeAsync(server, BobKey);
        var third = await InitializeAsync(server, AliceKey);

        (await server.Client.SendAsync(As(TestServer.Post(Ping, first, "2025-11-25"), AliceKey))).StatusCode.Should().Be(HttpStatusCode.NotFound, "Alice's least recently used idle session made room");
        (await server.Client.SendAsync(As(TestServer.Post(Ping, bobs, "2025-11-25"), BobKey))).StatusCode.Should().Be(HttpStatusCode.OK, "another principal's session is never evicted for Alice");

        // With both of Alice's sessions holding an open GET stream, nothing of hers is evictable: 429.
        var streams = new List<HttpResponseMessage>();
        foreach (var id in new[] { second, third })
        {
            using var get = As(new HttpRequestMessage(HttpMethod.Get, "/mcp"), AliceKey);
            get.Headers.Add("Mcp-Session-Id", id);
            get.Headers.Add("Accept", "text/event-stream");
            var response = await server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            streams.Add(response);
        }

        using var refused = await server.Client.SendAsync(As(TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"), AliceKey));
        refused.StatusCode.Should().Be((HttpStatusCode)429);
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("\"code\":-32603").And.Contain("most sessions");
        streams.ForEach(s => s.Dispose());
    }

    [Test]
    public async Task HttpSse2024ConnectionsHaveTheirOwnCap503AndSessionsStillWorkTR60TR72()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxHttpSse2024Sessions = 2);
        var open = new List<HttpResponseMessage>();
        for (var i = 0; i < 2; i++)
        {
            using var sse = new HttpRequestMessage(HttpMethod.Get, "/sse");
            sse.Headers.Add("Accept", "text/event-stream");
            var response = await server.Client.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            await TestServer.ReadEventsAsync(response, e => e.Type == "endpoint");
            open.Add(response);
        }

        using (var third = new HttpRequestMessage(HttpMethod.Get, "/sse"))
        {
            third.Headers.Add("Accept", "text/event-stream");
            using var response = await server.Client.SendAsync(third, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter.Should().NotBeNull();
        }

        (await server.InitializeAsync()).Should().NotBeNullOrEmpty("idle HTTP+SSE streams cannot pin the session table");
        open.ForEach(r => r.Dispose());
    }

    [Test]
    public async Task RequestsInFlightPerSessionAreCapped429SV10()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxRequestsInFlightPerSession = 1);
        var id = await server.InitializeAsync();
        server.Handler.ResetSlow();
        using var stop = new CancellationTokenSource();
        var slow = server.Client.SendAsync(TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}", id, "2025-11-25"), HttpCompletionOption.ResponseHeadersRead, stop.Token);
        await server.Handler.SlowStarted.Task.WaitAsync(TestContext.CurrentContext.CancellationToken);
        using var second = await server.Client.SendAsync(TestServer.Post(Ping, id, "2025-11-25"));
        second.StatusCode.Should().Be((HttpStatusCode)429);
        second.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => slow).Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task Churn_InitializeCallDelete_NoLiveSessionIsEverRefused_LC07_TR60()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxSessions = 50);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CurrentContext.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        async Task ClientAsync(int client)
        {
            for (var i = 0; i < 150 && !cts.IsCancellationRequested; i++)
            {
                using var init = await server.Client.SendAsync(TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", accept: "application/json"), cts.Token);
                if (init.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"initialize {(int)init.StatusCode}");
                    continue;
                }

                var id = init.Headers.GetValues("Mcp-Session-Id").Single();

                // At once, before notifications/initialized: the session must already be live.
                using var call = await server.Client.SendAsync(TestServer.Post(Ping, id, "2025-11-25"), cts.Token);
                if (call.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"first call {(int)call.StatusCode}");
                }

                // Every other client leaves its session behind, so the table fills and eviction runs.
                if (client % 2 == 0)
                {
                    using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
                    delete.Headers.Add("Mcp-Session-Id", id);
                    using var deleted = await server.Client.SendAsync(delete, cts.Token);
                    if (deleted.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"delete {(int)deleted.StatusCode}");
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(ClientAsync));
        failures.Should().BeEmpty();
    }
}

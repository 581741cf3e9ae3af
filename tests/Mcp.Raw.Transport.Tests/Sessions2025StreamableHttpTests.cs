using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Transport.Tests;

/// <summary>Streamable HTTP with sessions, 2025-03-26 .. 2025-11-25 (TR-*, LC-*, UT-*, JR-*).</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class Sessions2025StreamableHttpTests
{
    private TestServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await TestServer.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    private static string Call(int id, string tool, string args = "{}", string? token = null)
        => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + args
           + (token is null ? "" : ",\"_meta\":{\"progressToken\":\"" + token + "\"}") + "}}";

    [Test]
    public async Task Initialize_CreatesSession_WithSecureVisibleAsciiId_TR48_TR49_TR50()
    {
        var id = await _server.InitializeAsync();
        id.Length.Should().BeGreaterThanOrEqualTo(22, "16 random bytes, Base64Url");
        id.Should().MatchRegex("^[\\x21-\\x7E]+$");
        var other = await _server.InitializeAsync();
        other.Should().NotBe(id);
    }

    [Test]
    public async Task Initialize_Json_NoResultTypeLeak_LC03_MVR22()
    {
        using var response = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""));
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = await response.Content.ReadAsStringAsync();
        body.Should().Contain("\"protocolVersion\":\"2025-06-18\"").And.NotContain("resultType");
    }

    [Test]
    public async Task Request_WithoutSessionId_Is400_TR53()
    {
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo"), version: "2025-11-25"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Mcp-Session-Id");
    }

    [Test]
    public async Task Request_WithUnknownSessionId_Is404_TR54()
    {
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo"), "nope", "2025-11-25"));
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("-32001");
    }

    [Test]
    public async Task Notification_Gets202_NoBody_TR10_JR09()
    {
        var id = await _server.InitializeAsync();
        using var response = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}""", id, "2025-11-25"));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        _server.Handler.Notifications.Should().Contain("notifications/roots/list_changed");
    }

    [Test]
    public async Task Request_WithoutNotifications_IsAnsweredAsJson_TR12()
    {
        var id = await _server.InitializeAsync();
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(5, "echo", """{"text":"hi"}"""), id, "2025-11-25"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"hi"}]}}""");
    }

    [Test]
    public async Task Request_WithNotifications_SwitchesToSse_PrimedWithIdAndRetry_TR15_TR17_TR18_TR22_MTR16()
    {
        var id = await _server.InitializeAsync("2025-11-25");
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(7, "progress", """{"steps":3}""", "tok"), id, "2025-11-25"), HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Headers.GetValues("X-Accel-Buffering").Should().Equal("no");
        var events = await TestServer.ReadEventsAsync(response);
        events[0].Data.Should().BeEmpty("the first event primes the stream with an id (TR-15)");
        events[0].Id.Should().NotBeNullOrEmpty();
        events.Skip(1).Select(e => e.Id).Should().OnlyHaveUniqueItems().And.NotContainNulls();
        var messages = events.Skip(1).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        messages.Should().HaveCount(7);
        messages.Take(6).Select(m => m.GetProperty("method").GetString()).Should().Equal(
            "notifications/progress", "notifications/message", "notifications/progress", "notifications/message", "notifications/progress", "notifications/message");
        messages[0].GetProperty("params").GetProperty("progressToken").GetString().Should().Be("tok");
        messages[6].GetProperty("id").GetInt32().Should().Be(7, "the response ends the stream (TR-19)");
    }

    [Test]
    public async Task RawSse_HasRetryField_OnlyFor20251125_TR16_TR22()
    {
        foreach (var (version, primed) in new[] { ("2025-11-25", true), ("2025-06-18", false), ("2025-03-26", false) })
        {
            var id = await _server.InitializeAsync(version);
            using var response = await _server.Client.SendAsync(TestServer.Post(Call(1, "progress", """{"steps":1}"""), id, version));
            var raw = await response.Content.ReadAsStringAsync();
            raw.Contains("retry: 100\n", StringComparison.Ordinal).Should().Be(primed, version);
            raw.Contains("data: \n\n", StringComparison.Ordinal).Should().Be(primed, version + ": the empty priming event");
            raw.StartsWith("id: ", StringComparison.Ordinal).Should().BeTrue(version + ": session streams are resumable, so events carry ids (TR-37)");
            raw.Should().Contain("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\"");
        }
    }

    [Test]
    public async Task Accept_Negotiation_TR05_TR06()
    {
        var id = await _server.InitializeAsync();
        foreach (var accept in new[] { "*/*", "application/json", "text/event-stream", "application/*;q=0.5", "text/html, application/json" })
        {
            using var ok = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo"), id, "2025-11-25", accept));
            ok.StatusCode.Should().Be(HttpStatusCode.OK, accept);
        }

        using var sseOnly = await _server.Client.SendAsync(TestServer.Post(Call(2, "echo"), id, "2025-11-25", "text/event-stream"));
        sseOnly.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream", "a client that accepts only SSE is answered in SSE");

        using var bad = await _server.Client.SendAsync(TestServer.Post(Call(3, "echo"), id, "2025-11-25", "text/html"));
        bad.StatusCode.Should().Be(HttpStatusCode.NotAcceptable);
        using var zeroQ = await _server.Client.SendAsync(TestServer.Post(Call(3, "echo"), id, "2025-11-25", "application/json;q=0"));
        zeroQ.StatusCode.Should().Be(HttpStatusCode.NotAcceptable);
    }

    [Test]
    public async Task ContentType_MustBeJson_CharsetTolerated_TR09()
    {
        var id = await _server.InitializeAsync();
        var request = TestServer.Post(Call(1, "echo"), id, "2025-11-25");
        request.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using (var ok = await _server.Client.SendAsync(request))
        {
            ok.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var wrong = TestServer.Post(Call(1, "echo"), id, "2025-11-25");
        wrong.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        using var refused = await _server.Client.SendAsync(wrong);
        refused.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [TestCase("{\"jsonrpc\":\"2.0\",\"id\":1,", 400, -32700)]
    [TestCase("not json", 400, -32700)]
    [TestCase("{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"ping\"}", 400, -32600)]
    [TestCase("[]", 400, -32600)]
    public async Task MalformedBodies_Get400_WithCode_TR14(string body, int status, int code)
    {
        var id = await _server.InitializeAsync();
        using var response = await _server.Client.SendAsync(TestServer.Post(body, id, "2025-11-25"));
        ((int)response.StatusCode).Should().Be(status);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(code);
    }

    [Test]
    public async Task BodyOverLimit_Gets413()
    {
        await using var small = await TestServer.StartAsync(o => o.MaxRequestBodyBytes = 1024);
        using var response = await small.Client.SendAsync(TestServer.Post(Call(1, "echo", "{\"text\":\"" + new string('x', 4000) + "\"}")));
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task Batch_In20250326_AnsweredAsJsonArray_JR12_TR08()
    {
        var id = await _server.InitializeAsync("2025-03-26");
        var batch = "[" + Call(1, "echo", """{"text":"a"}""") + ",{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}," + Call(2, "echo", """{"text":"b"}""") + ",5]";
        using var response = await _server.Client.SendAsync(TestServer.Post(batch, id, "2025-03-26"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var array = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        array.ValueKind.Should().Be(JsonValueKind.Array);
        array.GetArrayLength().Should().Be(3, "two results and one error for the invalid element");
        array.EnumerateArray().Where(e => e.TryGetProperty("result", out _)).Select(e => e.GetProperty("id").GetInt32()).Should().BeEquivalentTo([1, 2]);
        array.EnumerateArray().Single(e => e.TryGetProperty("error", out _)).GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32600);

        using var notificationsOnly = await _server.Client.SendAsync(TestServer.Post("""[{"jsonrpc":"2.0","method":"notifications/x"}]""", id, "2025-03-26"));
        notificationsOnly.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Test]
    public async Task Batch_After20250326_IsRefused_JR14_JR13()
    {
        var id = await _server.InitializeAsync("2025-06-18");
        using var response = await _server.Client.SendAsync(TestServer.Post("[" + Call(1, "echo") + "]", id, "2025-06-18"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var old = await _server.InitializeAsync("2025-03-26");
        using var init = await _server.Client.SendAsync(TestServer.Post("""[{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}]""", old, "2025-03-26"));
        init.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await init.Content.ReadAsStringAsync()).Should().Contain("initialize");
    }

    [Test]
    public async Task UnsupportedVersionHeader_Is400_TR64_ButNotOnInitialize_TR65()
    {
        var id = await _server.InitializeAsync();
        using var bad = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo"), id, "2024-01-01"));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var garbage = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo"), id, "banana"));
        garbage.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var init = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", version: "1999-01-01"));
        init.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task MissingVersionHeader_UsesSessionVersion_TR63()
    {
        var id = await _server.InitializeAsync("2025-06-18");
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo"), id));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task InitializeWithExistingSession_Is400_TR59()
    {
        var id = await _server.InitializeAsync();
        using var response = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", id));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Delete_EndsSession_Then404_TR56_TR58()
    {
        var id = await _server.InitializeAsync();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("Mcp-Session-Id", id);
        using (var deleted = await _server.Client.SendAsync(delete))
        {
            deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var after = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo"), id, "2025-11-25"));
        after.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var again = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        again.Headers.Add("Mcp-Session-Id", id);
        (await _server.Client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Delete_CancelsRequestsInFlight_TR58()
    {
        var id = await _server.InitializeAsync();
        var call = _server.Client.SendAsync(TestServer.Post(Call(1, "slow"), id, "2025-11-25"));
        await _server.Handler.SlowStarted.Task;
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("Mcp-Session-Id", id);
        (await _server.Client.SendAsync(delete)).StatusCode.Should().Be(HttpStatusCode.OK);
        await _server.Handler.SlowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var response = await call;
    }

    [Test]
    public async Task CancelledNotification_CancelsTheRequest_NoResponse_UT08_UT09_UT14()
    {
        var id = await _server.InitializeAsync();
        var call = _server.Client.SendAsync(TestServer.Post(Call(42, "slow"), id, "2025-11-25"), HttpCompletionOption.ResponseHeadersRead);
        await _server.Handler.SlowStarted.Task;
        using (var cancel = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":42,"reason":"user"}}""", id, "2025-11-25")))
        {
            cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        await _server.Handler.SlowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain("\"result\"").And.NotContain("\"error\"");
    }

    [Test]
    public async Task CancelledNotification_ForUnknownOrOtherSession_IsIgnored_UT10_SEC12()
    {
        var a = await _server.InitializeAsync();
        var b = await _server.InitializeAsync();
        var call = _server.Client.SendAsync(TestServer.Post(Call(1, "slow"), a, "2025-11-25"));
        await _server.Handler.SlowStarted.Task;
        using (var other = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""", b, "2025-11-25")))
        {
            other.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        using (var malformed = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{}}}""", a, "2025-11-25")))
        {
            malformed.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        // A notification is acted on before its 202 is sent, so the request's cancellation state is final by now.
        var session = await _server.Services.GetRequiredService<Sessions.ISessionStore>().GetAsync(a);
        session!.InFlight.TryGetValue(new Mcp.Raw.Protocol.JsonRpc.RequestId(1), out var running).Should().BeTrue("the slow call is still in flight");
        running!.IsCancellationRequested.Should().BeFalse("another session's cancellation, or a malformed one, must not reach this request");
        _server.Handler.SlowCancelled.Task.IsCompleted.Should().BeFalse("another session's cancellation must not reach this request");
        using (var cancel = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""", a, "2025-11-25")))
        {
        }

        await _server.Handler.SlowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        (await call).Dispose();
    }

    [Test]
    public async Task HandlerFailure_IsInternalError_NeverA500()
    {
        var id = await _server.InitializeAsync();
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(3, "boom"), id, "2025-11-25"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(-32603);
    }

    [Test]
    public async Task ServerToClientRequest_OnRequestStream_AnsweredByPost_SV28_JR18()
    {
        var id = await _server.InitializeAsync(capabilities: """{"elicitation":{}}""");
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(9, "ask"), id, "2025-11-25"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new EventReader(await response.Content.ReadAsStreamAsync());
        var events = await reader.ReadAsync(e => e.Data.Contains("elicitation/create", StringComparison.Ordinal));
        var request = JsonDocument.Parse(events[^1].Data).RootElement;
        var requestId = request.GetProperty("id").GetString();
        // An answer with an unknown id is dropped (202), the right one is routed.
        (await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":"nope","result":{}}""", id, "2025-11-25"))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        using (var answer = await _server.Client.SendAsync(TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":\"" + requestId + "\",\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}}", id, "2025-11-25")))
        {
            answer.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var rest = await reader.ReadAsync();
        rest.Should().ContainSingle(e => e.Data.Contains("hello Ada", StringComparison.Ordinal));
    }

    [Test]
    public async Task RequestBeforeInitializedNotification_IsAccepted_LC07()
    {
        using var init = await _server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""));
        var id = init.Headers.GetValues("Mcp-Session-Id").Single();
        // No notifications/initialized yet: separate POSTs have no ordering guarantee.
        using var call = await _server.Client.SendAsync(TestServer.Post(Call(1, "echo", """{"text":"early"}"""), id, "2025-11-25"));
        call.StatusCode.Should().Be(HttpStatusCode.OK);
        (await call.Content.ReadAsStringAsync()).Should().Contain("early");
    }

    [Test]
    public async Task StandaloneGetStream_NeverCarriesARequestsResponse_TR31_TR36()
    {
        var id = await _server.InitializeAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Mcp-Session-Id", id);
        get.Headers.Add("Accept", "text/event-stream");
        using var standalone = await _server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new EventReader(await standalone.Content.ReadAsStreamAsync());

        using var call = await _server.Client.SendAsync(TestServer.Post(Call(5, "progress", """{"steps":2}""", "t"), id, "2025-11-25"));
        (await call.Content.ReadAsStringAsync()).Should().Contain("\"id\":5");

        // Something unsolicited does go to the GET stream; nothing of the request did before it.
        var session = (await _server.Services.GetRequiredService<Mcp.Raw.Transport.Sessions.ISessionStore>().GetAsync(id))!;
        (await session.SendUnsolicitedAsync(static (w, o, _) => w.WriteNotification(o, "notifications/tools/list_changed"u8, default), 0)).Should().BeTrue();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = (await reader.ReadAsync(e => e.Data.Contains("list_changed", StringComparison.Ordinal), timeout.Token)).Where(e => e.Data.Length > 0).ToList();
        events.Should().ContainSingle().Which.Data.Should().Contain("notifications/tools/list_changed");
    }

    [Test]
    public async Task StandaloneGet_OpensSse_SecondGetIs409_TR29_TR33()
    {
        var id = await _server.InitializeAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Mcp-Session-Id", id);
        get.Headers.Add("Accept", "text/event-stream");
        using var first = await _server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");

        using var get2 = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get2.Headers.Add("Mcp-Session-Id", id);
        get2.Headers.Add("Accept", "text/event-stream");
        using var second = await _server.Client.SendAsync(get2, HttpCompletionOption.ResponseHeadersRead);
        second.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task StandaloneGet_ReplacedWhenPreviousClientIsGone_EdgeCase1()
    {
        // The server's end of the first GET is observed, not waited for: the handler has returned (and let go of the
        // session's stream slot) when the middleware after it runs.
        var firstGetEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(null, null, app =>
        {
            app.Use(async (http, next) =>
            {
                await next(http);
                if (HttpMethods.IsGet(http.Request.Method))
                {
                    firstGetEnded.TrySetResult();
                }
            });
            app.MapMcpRaw("/mcp");
        });
        var id = await server.InitializeAsync();
        using (var client = TestHttp.CreateClient(server.BaseAddress))
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
            get.Headers.Add("Mcp-Session-Id", id);
            get.Headers.Add("Accept", "text/event-stream");
            using var first = await client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
            first.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        // The first connection is gone; a new GET must not be locked out.
        await firstGetEnded.Task.WaitAsync(TestContext.CurrentContext.CancellationToken);
        using var get2 = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get2.Headers.Add("Mcp-Session-Id", id);
        get2.Headers.Add("Accept", "text/event-stream");
        using var second = await server.Client.SendAsync(get2, HttpCompletionOption.ResponseHeadersRead);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Get_WithoutEventStreamAccept_Is406_TR28()
    {
        var id = await _server.InitializeAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Mcp-Session-Id", id);
        get.Headers.Add("Accept", "application/json");
        (await _server.Client.SendAsync(get)).StatusCode.Should().Be(HttpStatusCode.NotAcceptable);
    }

    [Test]
    public async Task OtherMethods_Get405WithAllow_TR04()
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, "/mcp") { Content = new StringContent("{}") };
        using var response = await _server.Client.SendAsync(put);
        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.Should().BeEquivalentTo(["GET", "POST", "DELETE"]);
    }

    [Test]
    public async Task DroppedConnection_DoesNotCancel_ResumeGetsExactlyMissedEventsThenResult_TR25_TR40_TR41_TR42()
    {
        var id = await _server.InitializeAsync("2025-11-25");
        string? lastId;
        using (var client = TestHttp.CreateClient(_server.BaseAddress))
        {
            using var response = await client.SendAsync(TestServer.Post(Call(11, "gated"), id, "2025-11-25"), HttpCompletionOption.ResponseHeadersRead);
            var seen = await TestServer.ReadEventsAsync(response, e => e.Data.Contains("before", StringComparison.Ordinal));
            lastId = seen[^1].Id;
            // Drop the connection mid-stream.
        }

        _server.Handler.Gate.TrySetResult();
        (await _server.Handler.GateCompleted.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue("a dropped connection is not a cancellation");

        using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        resume.Headers.Add("Mcp-Session-Id", id);
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Last-Event-ID", lastId);
        using var resumed = await _server.Client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead);
        resumed.StatusCode.Should().Be(HttpStatusCode.OK);
        var replay = (await TestServer.ReadEventsAsync(resumed)).Where(e => e.Data.Length > 0).ToList();
        replay.Select(e => JsonDocument.Parse(e.Data).RootElement).Select(m => m.TryGetProperty("params", out var p) ? p.GetProperty("data").GetString() : "result:" + m.GetProperty("id").GetInt32())
            .Should().Equal("after 1", "after 2", "result:11");
    }

    [Test]
    public async Task Resume_WithIdOfAnotherSession_Is400_NeverReplayed_TR43_SEC12()
    {
        var a = await _server.InitializeAsync();
        var b = await _server.InitializeAsync();
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(1, "progress", """{"steps":2}"""), a, "2025-11-25"));
        var events = await TestServer.ReadEventsAsync(response);
        var idOfA = events[0].Id;

        using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        resume.Headers.Add("Mcp-Session-Id", b);
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Last-Event-ID", idOfA);
        using var refused = await _server.Client.SendAsync(resume);
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var garbage = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        garbage.Headers.Add("Mcp-Session-Id", a);
        garbage.Headers.Add("Accept", "text/event-stream");
        garbage.Headers.Add("Last-Event-ID", "garbage");
        (await _server.Client.SendAsync(garbage)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Resume_OfFinishedStream_ReplaysRemainderThenEnds_TR44()
    {
        var id = await _server.InitializeAsync();
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(1, "progress", """{"steps":2}"""), id, "2025-11-25"));
        var events = await TestServer.ReadEventsAsync(response);
        using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        resume.Headers.Add("Mcp-Session-Id", id);
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Last-Event-ID", events[2].Id);
        using var resumed = await _server.Client.SendAsync(resume);
        var replay = (await TestServer.ReadEventsAsync(resumed)).Where(e => e.Data.Length > 0).ToList();
        replay.Select(e => e.Id).Should().Equal(events.Skip(3).Select(e => e.Id));
    }

    [Test]
    public async Task PollingDisconnect_ClientResumesAfterRetry_TR21_TR23()
    {
        var id = await _server.InitializeAsync("2025-11-25");
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(3, "poll"), id, "2025-11-25"), HttpCompletionOption.ResponseHeadersRead);
        var first = await TestServer.ReadEventsAsync(response);
        first.Should().Contain(e => e.Data.Contains("before poll", StringComparison.Ordinal));
        first.Should().NotContain(e => e.Data.Contains("\"result\"", StringComparison.Ordinal), "the server ended the connection before the result");

        using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        resume.Headers.Add("Mcp-Session-Id", id);
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Last-Event-ID", first[^1].Id);
        using var resumed = await _server.Client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead);
        var rest = (await TestServer.ReadEventsAsync(resumed)).Where(e => e.Data.Length > 0).ToList();
        rest.Select(e => e.Data).Should().Contain(d => d.Contains("after poll", StringComparison.Ordinal));
        rest[^1].Data.Should().Contain("polled");
    }

    [Test]
    public async Task PollingDisconnect_BeforeAnyEvent_ResumeFromThePrimingEventGetsTheResult_TR21_TR22()
    {
        // The conformance scenario server-sse-polling: the GET with the priming event's id arrives before the tool has
        // stored anything for its stream; it must wait for the result, not get a 400 for an unknown stream.
        var id = await _server.InitializeAsync("2025-11-25");
        using var response = await _server.Client.SendAsync(TestServer.Post(Call(3, "poll_first"), id, "2025-11-25"), HttpCompletionOption.ResponseHeadersRead);
        var first = await TestServer.ReadEventsAsync(response);
        first.Should().ContainSingle().Which.Data.Should().BeEmpty("only the priming event went out");

        using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        resume.Headers.Add("Mcp-Session-Id", id);
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Last-Event-ID", first[0].Id);
        using var resumed = await _server.Client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead);
        resumed.StatusCode.Should().Be(HttpStatusCode.OK);
        var rest = (await TestServer.ReadEventsAsync(resumed)).Where(e => e.Data.Length > 0).ToList();
        rest.Should().ContainSingle().Which.Data.Should().Contain("polled first");
    }

    [Test]
    public async Task TwoSessionsInParallel_NeverSeeEachOthersMessages_TR36_SEC12()
    {
        var a = await _server.InitializeAsync();
        var b = await _server.InitializeAsync();
        var tasks = Enumerable.Range(0, 10).Select(async i =>
        {
            var session = i % 2 == 0 ? a : b;
            var token = (i % 2 == 0 ? "A" : "B") + i;
            using var response = await _server.Client.SendAsync(TestServer.Post(Call(100 + i, "progress", """{"steps":3}""", token), session, "2025-11-25"));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var events = await TestServer.ReadEventsAsync(response);
            return (token, events);
        });
        foreach (var (token, events) in await Task.WhenAll(tasks))
        {
            var progress = events.Where(e => e.Data.Contains("notifications/progress", StringComparison.Ordinal)).ToList();
            progress.Should().HaveCount(3);
            progress.Should().OnlyContain(e => e.Data.Contains("\"" + token + "\"", StringComparison.Ordinal));
        }
    }

    [Test]
    public async Task Stateless_NoSessionIds_GetAndDeleteAre405_TR66()
    {
        await using var server = await TestServer.StartAsync(o => o.Stateless = true);
        using var init = await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""));
        init.StatusCode.Should().Be(HttpStatusCode.OK);
        init.Headers.Contains("Mcp-Session-Id").Should().BeFalse();
        using var call = await server.Client.SendAsync(TestServer.Post(Call(2, "progress", """{"steps":2}"""), version: "2025-06-18"));
        (await call.Content.ReadAsStringAsync()).Should().Contain("\"done\"");
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Accept", "text/event-stream");
        using var getResponse = await server.Client.SendAsync(get);
        getResponse.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        getResponse.Content.Headers.Allow.Should().Equal("POST");
        (await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/mcp"))).StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }
}

[TestFixture]
[CancelAfter(30_000)]
public sealed class DuplicateIdTests
{
    [Test]
    public async Task ConcurrentRequestsWithSameId_InOneSession_SecondIsRefused_JR03()
    {
        await using var server = await TestServer.StartAsync();
        var id = await server.InitializeAsync();
        var slow = server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{}}}""", id, "2025-11-25"));
        await server.Handler.SlowStarted.Task;
        using var duplicate = await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}""", id, "2025-11-25"));
        duplicate.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await duplicate.Content.ReadAsStringAsync()).Should().Contain("already in progress");
        using var cancel = await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""", id, "2025-11-25"));
        (await slow).Dispose();
    }
}

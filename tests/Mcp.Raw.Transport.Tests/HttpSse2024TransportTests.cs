using System.Net;
using System.Text.Json;

namespace Mcp.Raw.Transport.Tests;

/// <summary>The 2024-11-05 HTTP+SSE transport beside Streamable HTTP (TR-67..TR-72).</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class HttpSse2024TransportTests
{
    [Test]
    public async Task SseConnection_GetsKeepAliveCommentsWhileIdle_FromTheSharedTimer()
    {
        await using var server = await TestServer.StartAsync(o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(100));
        using var get = new HttpRequestMessage(HttpMethod.Get, "/sse");
        get.Headers.Add("Accept", "text/event-stream");
        using var response = await server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var text = new System.Text.StringBuilder();
        var buffer = new byte[1024];

        // Two comments: the first could be chance, the second is the timer going on while nothing else is sent.
        while (System.Text.RegularExpressions.Regex.Count(text.ToString(), ": keep-alive") < 2)
        {
            var n = await stream.ReadAsync(buffer);
            n.Should().BePositive("the connection stays open");
            text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        }

        text.ToString().Should().StartWith("event: endpoint");
    }

    [Test]
    public void KeepAliveDefault_IsAtMost15Seconds()
    {
        new StreamableHttpOptions().KeepAliveInterval.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(15), "proxies and IDE clients cut streams idle for longer");
    }

    [Test]
    public async Task SseEndpoint_FirstEventIsEndpoint_PostsGet202_AnswersFlowAsMessageEvents_TR69_TR70_TR71()
    {
        await using var server = await TestServer.StartAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/sse");
        get.Headers.Add("Accept", "text/event-stream");
        using var stream = await server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        using var reader = new EventReader(await stream.Content.ReadAsStreamAsync());
        var first = await reader.ReadAsync(_ => true);
        first[0].Type.Should().Be("endpoint");
        var endpoint = first[0].Data;
        endpoint.Should().StartWith("/messages?sessionId=");

        using (var init = await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"old","version":"1"}}}""").WithUri(endpoint)))
        {
            init.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var initResult = await reader.ReadAsync(e => e.Data.Contains("\"id\":1", StringComparison.Ordinal));
        initResult[^1].Type.Should().Be("message");
        JsonDocument.Parse(initResult[^1].Data).RootElement.GetProperty("result").GetProperty("protocolVersion").GetString().Should().Be("2024-11-05");

        (await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""").WithUri(endpoint))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"progress","arguments":{"steps":2},"_meta":{"progressToken":1}}}""").WithUri(endpoint))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var events = await reader.ReadAsync(e => e.Data.Contains("\"id\":2", StringComparison.Ordinal));
        events.Should().OnlyContain(e => e.Type == "message");
        events.Where(e => e.Data.Contains("notifications/progress", StringComparison.Ordinal)).Should().HaveCount(2);
        events[^1].Data.Should().Contain("done");
    }

    [Test]
    public async Task HandlerFailure_AndMalformedCancellation_StillGetAnswers_NoHungRequest()
    {
        await using var server = await TestServer.StartAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/sse");
        get.Headers.Add("Accept", "text/event-stream");
        using var stream = await server.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new EventReader(await stream.Content.ReadAsStreamAsync());
        var endpoint = (await reader.ReadAsync(_ => true))[0].Data;
        (await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"old","version":"1"}}}""").WithUri(endpoint))).Dispose();
        await reader.ReadAsync(e => e.Data.Contains("\"id\":1", StringComparison.Ordinal));

        // A malformed cancellation is ignored (UT-10) and still reaches the handler as a notification.
        (await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{}}}""").WithUri(endpoint))).Dispose();

        // A handler that throws still answers, with -32603 on the stream: no request is left hanging.
        (await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"boom","arguments":{}}}""").WithUri(endpoint))).Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = await reader.ReadAsync(e => e.Data.Contains("\"id\":2", StringComparison.Ordinal), timeout.Token);
        JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32603);
        server.Handler.Notifications.Should().Contain("notifications/cancelled");
    }

    [Test]
    public async Task Post_ToUnknownSession_Is404()
    {
        await using var server = await TestServer.StartAsync();
        using var response = await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""").WithUri("/messages?sessionId=nope"));
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

internal static class RequestExtensions
{
    public static HttpRequestMessage WithUri(this HttpRequestMessage request, string uri)
    {
        request.RequestUri = new Uri(uri, UriKind.Relative);
        return request;
    }
}

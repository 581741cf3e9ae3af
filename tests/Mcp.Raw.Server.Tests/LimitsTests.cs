using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Mcp.Raw.Server.Tests;

/// <summary>Subscriptions and listen streams are bounded per session or principal and per server (issue 9, point 6).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class LimitsTests
{
    private static HttpRequestMessage Listen(int id)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":{\"toolsListChanged\":true},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        var request = DemoHost.Post(body, version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        return request;
    }

    [Test]
    public async Task ListenStreams_PastTheServerCap_Get503WithRetryAfter_MSB09()
    {
        await using var host = await DemoHost.StartAsync(configure: o => o.MaxListenStreams = 1);
        using var first = await host.Client.SendAsync(Listen(1), HttpCompletionOption.ResponseHeadersRead);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        using var reader = new StreamReader(await first.Content.ReadAsStreamAsync(), Encoding.UTF8);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line && !line.Contains("notifications/subscriptions/acknowledged", StringComparison.Ordinal))
            {
            }
        }

        using var second = await host.Client.SendAsync(Listen(2));
        second.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        second.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
        var error = JsonNode.Parse(await second.Content.ReadAsStringAsync())!["error"]!;
        ((int)error["code"]!).Should().Be(-32603);
        ((string)error["message"]!).Should().Contain("subscription streams");

        // Closing the stream frees its slot (M-SB-09): a new listen is admitted once the server has seen the close.
        var closed = host.Server.Listeners.NextClose;
        reader.Dispose();
        first.Dispose();
        await closed.WaitAsync(TestContext.CurrentContext.CancellationToken);
        using var again = await host.Client.SendAsync(Listen(10), HttpCompletionOption.ResponseHeadersRead);
        var admitted = again.StatusCode;
        admitted.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task ListenNamingTooManyResources_IsInvalidParams_MSB01()
    {
        await using var host = await DemoHost.StartAsync(configure: o => o.MaxSubscriptionsPerSession = 2);
        var body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":{\"resourceSubscriptions\":[\"a://1\",\"a://2\",\"a://3\"]},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        var request = DemoHost.Post(body, version: DemoHost.Modern);
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        using var response = await host.Client.SendAsync(request);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        ((int)error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task ResourceSubscriptions_PastTheSessionCap_Get429_SV18()
    {
        await using var host = await DemoHost.StartAsync(configure: o => o.MaxSubscriptionsPerSession = 1);
        var session = await host.InitializeAsync(version: "2025-11-25");
        foreach (var (uri, expected) in new[] { ("test://a", HttpStatusCode.OK), ("test://a", HttpStatusCode.OK), ("test://b", (HttpStatusCode)429) })
        {
            using var request = DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":" + host.NextId() + ",\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"" + uri + "\"}}", session, "2025-11-25");
            using var response = await host.Client.SendAsync(request);
            response.StatusCode.Should().Be(expected, uri);
            if (expected != HttpStatusCode.OK)
            {
                response.Headers.RetryAfter.Should().NotBeNull();
                (await response.Content.ReadAsStringAsync()).Should().Contain("-32603").And.Contain("subscriptions");
            }
        }
    }
}

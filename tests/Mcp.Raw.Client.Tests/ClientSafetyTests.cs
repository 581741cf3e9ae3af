using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Mcp.Raw.Cli.Client;
using Mcp.Raw.Cli.Serve;
using Mcp.Raw.Protocol.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Client.Tests;

/// <summary>
/// The client against hostile servers (issue 9, point 9; SEC-11): same-origin endpoints, credentials never carried
/// across origins on a redirect, bounded messages on every transport, a reconnect budget the server cannot reset,
/// and terminal-safe output.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ClientSafetyTests
{
    private static async Task<(WebApplication App, Uri Address)> FakeAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    /// <summary>A minimal 2025-11-25 server: initialize, notifications (202), and every other request answered {}.</summary>
    private static async Task AnswerAsync(HttpContext http, ConcurrentQueue<IHeaderDictionary>? seen = null)
    {
        seen?.Enqueue(new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value)));
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        if (!body.RootElement.TryGetProperty("id", out var id))
        {
            http.Response.StatusCode = 202;
            return;
        }

        var result = body.RootElement.GetProperty("method").GetString() == "initialize"
            ? """{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"fake","version":"1"}}"""
            : "{}";
        http.Response.Headers["Mcp-Session-Id"] = "s1";
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id.GetRawText() + ",\"result\":" + result + "}");
    }

    private static McpClientOptions Options() => new()
    {
        ProtocolVersion = McpProtocolVersion.V2025_11_25,
        OpenServerStream = false,
        DeleteSessionOnDispose = false,
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    [Test]
    public async Task HttpSse2024_EndpointOnAnotherOrigin_IsRefused_SEC11()
    {
        var (app, address) = await FakeAsync(a =>
        {
            a.MapPost("/sse", (HttpContext http) => http.Response.StatusCode = 405);
            a.MapGet("/sse", async (HttpContext http) =>
            {
                http.Response.ContentType = "text/event-stream";
                await http.Response.WriteAsync("event: endpoint\ndata: http://127.0.0.2:9/messages?sessionId=x\n\n");
                await http.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            });
        });
        await using var _ = app;
        var act = async () => await McpClient.ConnectAsync(new Uri(address, "/sse"), Options());
        (await act.Should().ThrowAsync<McpClientException>()).Which.Message.Should().Contain("another origin");
    }

    [Test]
    public async Task Redirects_ToAnotherOrigin_DropCredentialsAndCustomHeaders_SameOriginKeepsThem_SEC11()
    {
        var foreign = new ConcurrentQueue<IHeaderDictionary>();
        var (target, targetAddress) = await FakeAsync(a => a.MapPost("/mcp", http => AnswerAsync(http, foreign)));
        await using var __ = target;
        var local = new ConcurrentQueue<IHeaderDictionary>();
        var (origin, originAddress) = await FakeAsync(a =>
        {
            a.MapPost("/mcp", (HttpContext http) =>
            {
                http.Response.StatusCode = 307;
                http.Response.Headers.Location = new Uri(targetAddress, "/mcp").AbsoluteUri;
            });
            a.MapPost("/same", (HttpContext http) =>
            {
                http.Response.StatusCode = 308;
                http.Response.Headers.Location = "/moved";
            });
            a.MapPost("/moved", http => AnswerAsync(http, local));
        });
        await using var ___ = origin;

        var options = Options();
        options.Headers["Authorization"] = "Bearer secret-token";
        options.Headers["X-Tenant"] = "t1";
        await using (var client = await McpClient.ConnectAsync(new Uri(originAddress, "/mcp"), options))
        {
            await client.PingAsync();
        }

        foreign.Should().NotBeEmpty("the requests followed the 307");
        foreach (var headers in foreign)
        {
            headers.ContainsKey("Authorization").Should().BeFalse();
            headers.ContainsKey("X-Tenant").Should().BeFalse();
            headers.ContainsKey("Mcp-Session-Id").Should().BeFalse();
        }

        await using (var client = await McpClient.ConnectAsync(new Uri(originAddress, "/same"), options))
        {
            await client.PingAsync();
        }

        local.Should().NotBeEmpty();
        local.Should().OnlyContain(h => h["Authorization"] == "Bearer secret-token" && h["X-Tenant"] == "t1");
        local.Last()["Mcp-Session-Id"].ToString().Should().Be("s1", "a same-origin redirect keeps the session");
    }

    [Test]
    public async Task A_JsonAnswerOverTheCap_FailsTheCall_InsteadOfGrowingMemory()
    {
        var app = ServeCommand.Build(new ServeOptions("http://127.0.0.1:0", "/mcp", null, Stateless: false, Conformance: false, Quiet: true));
        await app.StartAsync();
        await using var _ = app;
        var address = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/mcp");
        var options = Options();
        options.MaxMessageBytes = 4096;
        await using var client = await McpClient.ConnectAsync(address, options);
        var text = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["text"] = new string('x', 10_000) });
        var act = async () => await client.CallToolAsync("echo", text);
        (await act.Should().ThrowAsync<McpClientException>()).Which.Message.Should().Contain("MaxMessageBytes");
    }

    [Test]
    public async Task A_StdioLineOverTheCap_EndsTheConnection()
    {
        var options = Options();
        options.MaxMessageBytes = 1000;
        var act = async () => await McpClient.ConnectStdioAsync("sh", ["-c", "head -c 100000 /dev/zero | tr '\\0' x; echo; sleep 30"], options, TestContext.CurrentContext.CancellationToken);
        (await act.Should().ThrowAsync<McpClientException>()).Which.Message.Should().Contain("1000 bytes");
    }

    [Test]
    public async Task A_ServerSendingOneEventPerConnection_CannotResetTheReconnectBudget_TR40()
    {
        var gets = 0;
        var (app, address) = await FakeAsync(a =>
        {
            a.MapPost("/mcp", async (HttpContext http) =>
            {
                using var copy = new MemoryStream();
                await http.Request.Body.CopyToAsync(copy);
                if (!Encoding.UTF8.GetString(copy.ToArray()).Contains("tools/call", StringComparison.Ordinal))
                {
                    copy.Position = 0;
                    http.Request.Body = copy;
                    await AnswerAsync(http);
                    return;
                }

                // One event with an id, then the connection ends: the client must resume.
                http.Response.ContentType = "text/event-stream";
                await http.Response.WriteAsync("retry: 1\nid: t.1.1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"a\"}}\n\n");
            });
            a.MapGet("/mcp", async (HttpContext http) =>
            {
                var n = Interlocked.Increment(ref gets);
                http.Response.ContentType = "text/event-stream";
                await http.Response.WriteAsync($"id: t.1.{n + 1}\ndata: {{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{{\"level\":\"info\",\"data\":\"b\"}}}}\n\n");
            });
        });
        await using var _ = app;
        var options = Options();
        options.Reconnect = new McpReconnectPolicy { MaxTotalAttempts = 5, MinDelay = TimeSpan.FromMilliseconds(1), DefaultDelay = TimeSpan.FromMilliseconds(1) };
        await using var client = await McpClient.ConnectAsync(new Uri(address, "/mcp"), options);
        var act = async () => await client.CallToolAsync("anything");
        (await act.Should().ThrowAsync<McpClientException>()).Which.Message.Should().Contain("could not be resumed");
        Volatile.Read(ref gets).Should().Be(5, "every reconnection brought an event, and still the total is capped");
    }

    [TestCase("plain text", "plain text")]
    [TestCase("red \u001b[31mtext\u001b[0m", "red text")]
    [TestCase("title \u001b]0;pwned\u0007after", "title after")]
    [TestCase("hyperlink \u001b]8;;http://x\u001b\\label\u001b]8;;\u001b\\", "hyperlink label")]
    [TestCase("over\rwrite\bs\u0007", "overwrites")]
    [TestCase("c1 \u009b2Jcsi", "c1 csi")]
    [TestCase("keeps\nlines\tand tabs", "keeps\nlines\tand tabs")]
    public void Cli_StripsTerminalControlSequences(string text, string expected) => TerminalText.Clean(text).Should().Be(expected);
}

namespace Mcp.Raw.Transport.Tests;

/// <summary>The rules every test of this project follows (<see cref="TestPolicy"/>).</summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class TestPolicyTests : TestPolicyFixture;

/// <summary>The time limit reaches a read that would wait for ever (Mcp.Raw.Testing.TestTimeLimitHandler).</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class TestTimeLimitTests
{
    [Test]
    public async Task AReadOfAStreamThatNeverEnds_EndsWhenTheLimitFires()
    {
        await using var server = await TestServer.StartAsync();
        var session = await server.InitializeAsync();
        using var limit = new CancellationTokenSource();
        using var client = new HttpClient(new TestTimeLimitHandler(new SocketsHttpHandler(), () => limit.Token)) { BaseAddress = server.BaseAddress };
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Accept", "text/event-stream");
        get.Headers.Add("Mcp-Session-Id", session);
        get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var response = await client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "the session's GET stream is open and stays open");
        var read = response.Content.ReadAsStringAsync();
        read.IsCompleted.Should().BeFalse("the standalone stream has no end of its own");

        await limit.CancelAsync();
        var failure = await Record(read.WaitAsync(TimeSpan.FromSeconds(10)));
        failure.Should().NotBeNull("the read ends when the limit fires");
        failure.Should().NotBeOfType<TimeoutException>("it ends with the limit, not after the 10 s wait");
    }

    private static async Task<Exception?> Record(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}

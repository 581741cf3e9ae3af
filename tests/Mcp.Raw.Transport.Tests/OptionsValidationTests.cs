using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Tests;

/// <summary>Options that cannot work fail the host's start with a message naming the option.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class OptionsValidationTests
{
    [Test]
    public async Task ZeroKeepAlive_FailsStart_NamingTheOption()
    {
        var act = async () => await (await TestServer.StartAsync(o => o.KeepAliveInterval = TimeSpan.Zero)).DisposeAsync();
        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("KeepAliveInterval");
    }

    [Test]
    public async Task ZeroMaxSessions_AndABadOrigin_FailStart_NamingEach()
    {
        var act = async () => await (await TestServer.StartAsync(o =>
        {
            o.MaxSessions = 0;
            o.AllowedOrigins.Add("https://app.example/path");
        })).DisposeAsync();
        var message = (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message;
        message.Should().Contain("MaxSessions").And.Contain("AllowedOrigins");
    }

    [Test]
    public async Task DeliveredRetentionShorterThanTwoRetryIntervals_FailsStart_TR44()
    {
        // A client that lost the last bytes of a stream reconnects after the retry interval: the stream must still be
        // there, so the short retention of delivered streams cannot undercut it.
        var act = async () => await (await TestServer.StartAsync(o =>
        {
            o.RetryInterval = TimeSpan.FromSeconds(3);
            o.DeliveredStreamRetention = TimeSpan.FromSeconds(5);
        })).DisposeAsync();
        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("DeliveredStreamRetention").And.Contain("RetryInterval");
    }
}

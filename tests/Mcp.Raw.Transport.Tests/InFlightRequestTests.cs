using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Transport.Tests;

/// <summary>The lock-free in-flight request: a cancellation is never lost, whichever of cancel and token comes first.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class InFlightRequestTests
{
    [Test]
    public void CancelBeforeToken_TokenIsCancelled_UT14()
    {
        using var request = new InFlightRequest(CancellationToken.None);
        request.Cancel();
        request.IsCancellationRequested.Should().BeTrue();
        request.Token.IsCancellationRequested.Should().BeTrue();
    }

    [Test]
    public void SessionEnd_CancelsTheToken_UT14()
    {
        using var session = new CancellationTokenSource();
        using var request = new InFlightRequest(session.Token);
        var token = request.Token;
        session.Cancel();
        token.IsCancellationRequested.Should().BeTrue();
        request.IsCancellationRequested.Should().BeTrue();
    }

    [Test]
    public async Task CancelRacingTheToken_IsNeverLost_UT14(CancellationToken cancellationToken)
    {
        // Cancel on one thread while the handler's first look at the token creates the source on another.
        for (var i = 0; i < 20_000; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var request = new InFlightRequest(CancellationToken.None);
            using var start = new Barrier(2);
            var cancel = Task.Run(() =>
            {
                start.SignalAndWait(cancellationToken);
                request.Cancel();
            }, cancellationToken);
            start.SignalAndWait(cancellationToken);
            var token = request.Token;
            await cancel;
            token.IsCancellationRequested.Should().BeTrue($"iteration {i}");
        }
    }

    [Test]
    public async Task ARequestOfASession_IsCancelledWhenTheSessionEnds_WhicheverComesFirst_UT14()
    {
        // Token asked for before the end: the end cancels it.
        var early = NewSession();
        using var before = new InFlightRequest(early);
        var token = before.Token;
        await early.DisposeAsync();
        token.IsCancellationRequested.Should().BeTrue();
        before.IsCancellationRequested.Should().BeTrue();

        // Token first asked for after the end (the session's source made only then): born cancelled.
        var late = NewSession();
        using var after = new InFlightRequest(late);
        await late.DisposeAsync();
        after.IsCancellationRequested.Should().BeTrue();
        after.Token.IsCancellationRequested.Should().BeTrue();
        late.Ended.IsCancellationRequested.Should().BeTrue();
    }

    [Test]
    public async Task SessionEndRacingTheFirstLookAtEnded_IsNeverLost(CancellationToken cancellationToken)
    {
        // Ended's source is made on first use; a session ending on another thread meanwhile must still cancel it.
        for (var i = 0; i < 5_000; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var session = NewSession();
            using var start = new Barrier(2);
            var end = Task.Run(async () =>
            {
                start.SignalAndWait(cancellationToken);
                await session.DisposeAsync();
            }, cancellationToken);
            start.SignalAndWait(cancellationToken);
            var ended = session.Ended;
            await end;
            ended.IsCancellationRequested.Should().BeTrue($"iteration {i}");
        }
    }

    private static McpSession NewSession() => new("id", "tag", Mcp.Raw.Protocol.Mcp.McpProtocolVersion.V2025_11_25, 0);
}

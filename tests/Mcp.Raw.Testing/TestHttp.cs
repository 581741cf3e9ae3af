using NUnit.Framework;

namespace Mcp.Raw.Testing;

/// <summary>
/// HTTP clients for tests against loopback hosts. Every request, and every read of its body, ends when the test's
/// time is up (the token of NUnit's <c>[CancelAfter]</c>): a stream that never ends fails the test that read it
/// instead of hanging the run.
/// </summary>
public static class TestHttp
{
    /// <summary>A client whose requests honour the current test's time limit.</summary>
    public static HttpClient CreateClient(Uri? baseAddress = null, HttpMessageHandler? inner = null) =>
        new(new TestTimeLimitHandler(inner ?? new SocketsHttpHandler()))
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
}

/// <summary>
/// Links each request to the current test's cancellation token (or <paramref name="limit"/>'s), and disposes the
/// response (which aborts a pending read of its body) when that token fires. Outside a test with a time limit it
/// changes nothing.
/// </summary>
public sealed class TestTimeLimitHandler(HttpMessageHandler inner, Func<CancellationToken>? limit = null) : DelegatingHandler(inner)
{
    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var test = limit?.Invoke() ?? TestContext.CurrentContext.CancellationToken;
        if (!test.CanBeCanceled)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, test);
        var response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);

        // The registration lives as long as the test's token source (NUnit disposes it when the test ends).
        test.UnsafeRegister(static r => ((HttpResponseMessage)r!).Dispose(), response);
        return response;
    }
}

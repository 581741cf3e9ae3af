using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mcp.Raw.Client;

/// <summary>
/// Receives the authorization server's redirect on a loopback port (RFC 8252 §7.3), for a person who authorizes in a
/// browser: <see cref="RedirectUri"/> goes in <see cref="McpOAuthOptions.RedirectUri"/>, and
/// <see cref="WaitForRedirectAsync"/> returns the URL the browser was sent to (the first request to that path with a
/// <c>code</c> or an <c>error</c>). Other requests get 404; the browser gets a page that says it may close.
/// </summary>
public sealed class LoopbackRedirectListener : IDisposable
{
    private const int MaxRequestBytes = 16 * 1024;
    private readonly TcpListener _listener;

    private LoopbackRedirectListener(TcpListener listener, string path)
    {
        _listener = listener;
        RedirectUri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}");
    }

    /// <summary>The redirect URI, with the port the listener got.</summary>
    public Uri RedirectUri { get; }

    /// <summary>Listens on 127.0.0.1 (port 0 picks a free one).</summary>
    public static LoopbackRedirectListener Start(int port = 0, string path = "/callback")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new LoopbackRedirectListener(listener, path.StartsWith('/') ? path : "/" + path);
    }

    /// <summary>A <see cref="McpOAuthOptions.Authorize"/> that shows the URL through <paramref name="show"/> and waits for the redirect.</summary>
    public Func<Uri, CancellationToken, Task<Uri>> UserAgent(Action<Uri> show) => async (url, cancellationToken) =>
    {
        show(url);
        return await WaitForRedirectAsync(cancellationToken).ConfigureAwait(false);
    };

    /// <summary>Waits for the browser's request to <see cref="RedirectUri"/> and returns its full URL.</summary>
    public async Task<Uri> WaitForRedirectAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var socket = await _listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: false);
            await using var _ = stream.ConfigureAwait(false);
            string? target;
            try
            {
                target = await ReadRequestTargetAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                continue;
            }

            // Only an authorization response ends the wait: a stray request (a web page probing the port, say) does not.
            if (target is not null && Uri.TryCreate(RedirectUri, target, out var url) && url.AbsolutePath == RedirectUri.AbsolutePath
                && System.Web.HttpUtility.ParseQueryString(url.Query) is var query && (query["code"] is not null || query["error"] is not null))
            {
                await RespondAsync(stream, 200, "<!doctype html><title>mcp-raw</title><p>Authorization received. You may close this window.</p>", cancellationToken).ConfigureAwait(false);
                return url;
            }

            await RespondAsync(stream, 404, "<!doctype html><title>mcp-raw</title><p>Not found.</p>", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Stop();

    private static async Task<string?> ReadRequestTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[MaxRequestBytes];
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
                if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        // Request line: GET /callback?code=...&state=... HTTP/1.1
        var line = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n", 2)[0].Split(' ');
        return line.Length == 3 && line[0] == "GET" && line[1].StartsWith('/') ? line[1] : null;
    }

    private static async Task RespondAsync(NetworkStream stream, int status, string html, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(html);
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not Found")}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        try
        {
            await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }
}

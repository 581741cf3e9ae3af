using System.Net.Http.Headers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Sse;

namespace Mcp.Raw.Client;

/// <summary>
/// The deprecated 2024-11-05 HTTP+SSE transport (TR-68 fallback): GET opens a stream whose first event is
/// <c>endpoint</c>; messages are POSTed there; every answer arrives on the stream.
/// </summary>
internal sealed class HttpSse2024Connection : ClientConnection
{
    private readonly HttpClient _http;
    private readonly McpClientOptions _options;
    private readonly PendingRequests _pending = new();
    private readonly CancellationTokenSource _closed = new();
    private HttpResponseMessage? _response;
    private Task? _reader;
    private Uri? _messages;

    private HttpSse2024Connection(HttpClient http, McpClientOptions options, Func<JsonRpcMessage, ValueTask> onIncoming)
        : base(onIncoming)
    {
        _http = http;
        _options = options;
    }

    /// <summary>GETs <paramref name="url"/> and waits for the endpoint event; null when the answer is not such a stream.</summary>
    public static async Task<HttpSse2024Connection?> ConnectAsync(HttpClient http, Uri url, McpClientOptions options, Func<JsonRpcMessage, ValueTask> onIncoming, CancellationToken cancellationToken)
    {
        var connection = new HttpSse2024Connection(http, options, onIncoming);
        using var get = new HttpRequestMessage(HttpMethod.Get, url);
        get.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        foreach (var (name, value) in options.Headers)
        {
            get.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            response.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        connection._response = response;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection._reader = Task.Run(() => connection.ReadLoopAsync(stream, url, endpoint), CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            connection._messages = await endpoint.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    public override Task<JsonRpcMessage> SendRequestAsync(RequestId id, ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken) =>
        SendCorrelatedAsync(_pending, id, body, cancellationToken);

    public override async Task SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, _messages) { Content = new ReadOnlyMemoryContent(body) };
        post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in _options.Headers)
        {
            post.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(post, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpStatusException((int)response.StatusCode, await BoundedReads.ReadErrorTextAsync(response.Content, cancellationToken).ConfigureAwait(false));
        }
    }

    private int _disposed;

    public override async ValueTask DisposeAsync()
    {
        // Once: the client disposes a connection it gave up on during era detection, and again on its own dispose.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _closed.CancelAsync().ConfigureAwait(false);
        _response?.Dispose();
        if (_reader is not null)
        {
            try
            {
                await _reader.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _pending.FailAll(new McpClientException("The connection is closed."));
        _closed.Dispose();
    }

    private async Task ReadLoopAsync(Stream stream, Uri baseUrl, TaskCompletionSource<Uri> endpoint)
    {
        using var parser = new SseParser(_options.MaxMessageBytes);
        var reader = System.IO.Pipelines.PipeReader.Create(stream);
        try
        {
            while (!_closed.IsCancellationRequested)
            {
                var result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (parser.TryReadEvent(ref buffer, out var sse))
                {
                    if (sse.EventType == "endpoint")
                    {
                        // The POST URL must be on the server's own origin: a stream must not send our messages (and headers)
                        // to a host of its choosing.
                        var announced = new Uri(baseUrl, System.Text.Encoding.UTF8.GetString(sse.Data.Span).Trim());
                        if (!SameOrigin(announced, baseUrl))
                        {
                            endpoint.TrySetException(new McpClientException("The server's endpoint event names another origin (" + announced.GetLeftPart(UriPartial.Authority) + "); refused."));
                            return;
                        }

                        endpoint.TrySetResult(announced);
                        continue;
                    }

                    if (sse.IsEmpty || !JsonRpcReader.TryReadMessage(new System.Buffers.ReadOnlySequence<byte>(sse.Data), out var message, out _, ClientConnection.ReaderOptions))
                    {
                        continue;
                    }

                    var detached = message.Detach();
                    if (detached.Kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse)
                    {
                        _pending.TryComplete(detached);
                    }
                    else
                    {
                        await OnIncoming(detached).ConfigureAwait(false);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _pending.FailAll(new McpClientException("The server closed the HTTP+SSE stream."));
            endpoint.TrySetCanceled();
        }
    }

    internal static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}

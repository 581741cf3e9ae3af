using System.Net;
using System.Net.Http.Headers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Sse;

namespace Mcp.Raw.Client;

/// <summary>
/// Streamable HTTP (2025-03-26 and later, and 2026-07-28): one POST per message (TR-03) with both media types accepted
/// (TR-05); JSON or SSE answers (TR-13); the session id and protocol version on every request (TR-52, TR-61);
/// a dropped SSE stream resumed with GET and Last-Event-ID after the server's retry (TR-23, TR-40); the standalone GET
/// stream (TR-27); DELETE at the end (TR-56).
/// </summary>
internal sealed class StreamableHttpConnection : ClientConnection
{
    private static readonly MediaTypeWithQualityHeaderValue s_json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue s_sse = new("text/event-stream");
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly McpClientOptions _options;
    private readonly CancellationTokenSource _closed = new();
    private Task? _serverStream;

    public StreamableHttpConnection(HttpClient http, Uri endpoint, McpClientOptions options, Func<JsonRpcMessage, ValueTask> onIncoming)
        : base(onIncoming)
    {
        _http = http;
        _endpoint = endpoint;
        _options = options;
    }

    /// <summary>The session id the server issued (2025 eras), sent on every request.</summary>
    public string? SessionId { get; set; }

    /// <summary>The MCP-Protocol-Version header value (the negotiated version, TR-62).</summary>
    public string? ProtocolVersion { get; set; }

    public override async Task<JsonRpcMessage> SendRequestAsync(RequestId id, ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        using var request = CreatePost(body, headers);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && SessionId is not null && request.Headers.Contains("Mcp-Session-Id"))
        {
            throw new SessionExpiredException();
        }

        if (response.Headers.TryGetValues("Mcp-Session-Id", out var sessionValues))
        {
            SessionId ??= sessionValues.FirstOrDefault();
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase) && response.IsSuccessStatusCode)
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await ReadResponseAsync(id, stream, cancellationToken).ConfigureAwait(false);
        }

        var bytes = await BoundedReads.ReadBodyAsync(response.Content, _options.MaxMessageBytes, cancellationToken).ConfigureAwait(false);
        if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) && bytes.Length > 0
            && JsonRpcReader.TryReadMessage(new System.Buffers.ReadOnlySequence<byte>(bytes), out var message, out _, ClientConnection.ReaderOptions)
            && message.Kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse)
        {
            // A JSON-RPC answer, whatever the status (2026-07-28 errors come with 400/404, M-CL-10 step 3).
            return message.Detach();
        }

        throw new HttpStatusException((int)response.StatusCode, System.Text.Encoding.UTF8.GetString(bytes));
    }

    public override async Task SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var request = CreatePost(body, null);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && SessionId is not null)
        {
            throw new SessionExpiredException();
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpStatusException((int)response.StatusCode, await BoundedReads.ReadErrorTextAsync(response.Content, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Opens the session's standalone stream in the background, reconnecting with Last-Event-ID (TR-27, TR-40).</summary>
    public void StartServerStream() => _serverStream ??= Task.Run(ServerStreamLoopAsync);

    private int _disposed;

    public override async ValueTask DisposeAsync()
    {
        // Once: the client disposes a connection it gave up on during era detection, and again on its own dispose.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _closed.CancelAsync().ConfigureAwait(false);
        if (_serverStream is not null)
        {
            try
            {
                await _serverStream.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (SessionId is not null && _options.DeleteSessionOnDispose)
        {
            try
            {
                using var delete = new HttpRequestMessage(HttpMethod.Delete, _endpoint);
                AddCommonHeaders(delete);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var _ = await _http.SendAsync(delete, timeout.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }

        _closed.Dispose();
    }

    private HttpRequestMessage CreatePost(ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>>? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(s_json);
        request.Headers.Accept.Add(s_sse);
        AddCommonHeaders(request);
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private void AddCommonHeaders(HttpRequestMessage request)
    {
        if (SessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", SessionId);
        }

        if (ProtocolVersion is not null)
        {
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", ProtocolVersion);
        }

        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>Reads a POST's SSE stream until our response; resumes it with GET + Last-Event-ID when it drops (TR-40).</summary>
    private async Task<JsonRpcMessage> ReadResponseAsync(RequestId id, Stream stream, CancellationToken cancellationToken)
    {
        using var parser = new SseParser(_options.MaxMessageBytes);
        JsonRpcMessage response = default;
        var found = false;
        var attempts = 0;
        var total = 0;
        while (true)
        {
            var seen = false;
            await using (stream.ConfigureAwait(false))
            {
                found = await ReadEventsAsync(stream, parser, async message =>
                {
                    seen = true;
                    if (message.Kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse && message.Id == id)
                    {
                        response = message;
                        return true;
                    }

                    await OnIncoming(message).ConfigureAwait(false);
                    return false;
                }, cancellationToken).ConfigureAwait(false);
            }

            if (found)
            {
                return response;
            }

            // The stream ended before the response. Resumable only with an event id and a session (TR-40).
            var lastEventId = parser.LastEventId;
            if (string.IsNullOrEmpty(lastEventId) || SessionId is null)
            {
                throw new McpClientException("The response stream ended before the response arrived; the request is lost.");
            }

            // Failures in a row start again when events arrive; the total does not, so a server that sends one event
            // per connection cannot keep the client reconnecting for ever.
            attempts = seen ? 1 : attempts + 1;
            if (attempts > _options.Reconnect.MaxAttempts || ++total > _options.Reconnect.MaxTotalAttempts)
            {
                throw new McpClientException($"The response stream could not be resumed (after {total} reconnections, {attempts} in a row without an event).");
            }

            await Task.Delay(RetryDelay(parser), cancellationToken).ConfigureAwait(false);
            var resumed = await ResumeAsync(lastEventId, cancellationToken).ConfigureAwait(false);
            if (resumed is null)
            {
                continue;
            }

            stream = resumed;
        }
    }

    private TimeSpan RetryDelay(SseParser parser)
    {
        var delay = parser.RetryMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : _options.Reconnect.DefaultDelay;
        return delay > _options.Reconnect.MaxDelay ? _options.Reconnect.MaxDelay
            : delay < _options.Reconnect.MinDelay ? _options.Reconnect.MinDelay
            : delay;
    }

    /// <summary>GET with Last-Event-ID; the body stream on 200, null on a transient failure, an exception when refused.</summary>
    private async Task<Stream?> ResumeAsync(string lastEventId, CancellationToken cancellationToken)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, _endpoint);
        get.Headers.Accept.Add(s_sse);
        AddCommonHeaders(get);
        get.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            get.Dispose();
            return null;
        }

        get.Dispose();
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            throw new SessionExpiredException();
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new McpClientException($"The server refused to resume the stream (HTTP {status}).");
        }

        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task ServerStreamLoopAsync()
    {
        using var parser = new SseParser(_options.MaxMessageBytes);
        var attempts = 0;
        var total = 0;
        var token = _closed.Token;
        while (!token.IsCancellationRequested && attempts <= _options.Reconnect.MaxAttempts && total++ <= _options.Reconnect.MaxTotalAttempts)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, _endpoint);
            get.Headers.Accept.Add(s_sse);
            AddCommonHeaders(get);
            if (parser.LastEventId is { Length: > 0 } last)
            {
                get.Headers.TryAddWithoutValidation("Last-Event-ID", last);
            }

            try
            {
                using var response = await _http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    // 405: the server offers no standalone stream; anything else: give up quietly (TR-27 is a MAY).
                    return;
                }

                var received = false;
                var opened = System.Diagnostics.Stopwatch.GetTimestamp();
                var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await ReadEventsAsync(stream, parser, async message =>
                    {
                        received = true;
                        await OnIncoming(message).ConfigureAwait(false);
                        return false;
                    }, token).ConfigureAwait(false);
                }

                attempts = received ? 0 : attempts + 1;

                // The standalone stream lives as long as the session: a connection that stayed up for MaxDelay or
                // longer was no tight loop, and starts the total again.
                if (System.Diagnostics.Stopwatch.GetElapsedTime(opened) >= _options.Reconnect.MaxDelay)
                {
                    total = 0;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                attempts++;
            }
            catch (McpAuthorizationException)
            {
                // The standalone stream is a MAY (TR-27): a refused authorization ends it, it does not fault the client.
                return;
            }

            try
            {
                await Task.Delay(RetryDelay(parser), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A response body that disposes its response.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Mcp.Raw.Transport.Tests;

/// <summary>Bad input gets a clear 4xx with the right code, never a 500 and never a hung request.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class HostileInputTests
{
    [Test]
    public async Task ChunkedBodyOverLimit_Gets413_WhileReading()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxRequestBodyBytes = 64 * 1024);
        // No Content-Length: the limit must hold while the body streams in.
        var endless = new StreamContent(new RepeatingStream("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"a\":\""u8.ToArray(), 10 * 1024 * 1024));
        endless.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = endless };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        HttpStatusCode? status = null;
        try
        {
            using var response = await server.Client.SendAsync(request);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server may answer 413 and close while the client is still sending: a refusal too.
        }

        status?.Should().Be(HttpStatusCode.RequestEntityTooLarge);

        // Either way the server is fine afterwards.
        using var after = await server.Client.SendAsync(TestServer.Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""));
        after.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task InvalidUtf8_Gets400_ParseError()
    {
        await using var server = await TestServer.StartAsync();
        var body = new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        using var response = await server.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        error.GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32700);
        error.GetProperty("id").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[1,2]}""", 400, -32602)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":"x"}}""", 400, -32602)]
    public async Task ModernHeader_WithParamsThatCannotCarryMeta_Is400(string body, int status, int code)
    {
        await using var server = await TestServer.StartAsync();
        var request = TestServer.Post(body, version: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        using var response = await server.Client.SendAsync(request);
        ((int)response.StatusCode).Should().Be(status);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetInt32().Should().Be(code);
    }

    [Test]
    public async Task HugeLastEventId_Is400()
    {
        await using var server = await TestServer.StartAsync();
        var id = await server.InitializeAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Add("Mcp-Session-Id", id);
        get.Headers.Add("Accept", "text/event-stream");
        get.Headers.Add("Last-Event-ID", new string('a', 4000));
        (await server.Client.SendAsync(get)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    /// <summary>A stream of a prefix followed by a long run of 'a': a body that never becomes valid JSON in time.</summary>
    private sealed class RepeatingStream(byte[] prefix, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[offset + i] = at < prefix.Length ? prefix[at] : (byte)'a';
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

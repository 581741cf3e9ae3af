using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mcp.Raw.Cli.Serve;
using Mcp.Raw.Protocol.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Server.Tests;

/// <summary>
/// <c>mcp-raw serve</c> security: HTTPS with HTTP/2 (ALPN) and HTTP/1.1 on one port with live SSE, API keys, and
/// the refusal to expose an unauthenticated server beyond loopback (SEC-04, SEC-05).
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ServeSecurityTests
{
    private string _dir = null!;
    private X509Certificate2 _certificate = null!;

    [OneTimeSetUp]
    public void MakeCertificate()
    {
        _dir = Directory.CreateTempSubdirectory("mcp-raw-tls").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_dir, "cert.pem"), _certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(Path.Combine(_dir, "cert.pfx"), _certificate.Export(X509ContentType.Pkcs12, "pw"));
    }

    [OneTimeTearDown]
    public void Clean()
    {
        _certificate.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(WebApplication App, Uri Address)> StartAsync(ServeSecurity security, string scheme = "https")
    {
        var app = ServeCommand.Build(new ServeOptions(scheme + "://127.0.0.1:0", "/mcp", "/sse", false, Conformance: false, Quiet: true) { Security = security });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    private HttpClient TrustingClient(Uri address, Version version)
    {
        var thumbprint = _certificate.Thumbprint;
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == thumbprint },
        };
        var client = TestHttp.CreateClient(address, handler);
        client.DefaultRequestVersion = version;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return client;
    }

    [TestCase("2.0", "pem")]
    [TestCase("1.1", "pem")]
    [TestCase("2.0", "pfx")]
    public async Task Https_Http2AndHttp11_StreamSseLive_A14(string version, string format)
    {
        var security = format == "pem"
            ? new ServeSecurity { CertPath = Path.Combine(_dir, "cert.pem"), CertKeyPath = Path.Combine(_dir, "key.pem") }
            : new ServeSecurity { CertPath = Path.Combine(_dir, "cert.pfx"), CertPassword = "pw" };
        var (app, address) = await StartAsync(security);
        await using var _ = app;
        address.Scheme.Should().Be("https");
        using var client = TrustingClient(address, Version.Parse(version));
        var token = TestContext.CurrentContext.CancellationToken;

        // 2026-07-28, no session: slow_count ticks for far longer than the test; two progress events prove the
        // response streams while the tool works.
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"slow_count\",\"arguments\":{\"count\":1000,\"delay_ms\":20},\"_meta\":{\"progressToken\":\"p\",\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        using var request = DemoHost.Post(body, version: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "slow_count");
        request.Version = Version.Parse(version);
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Version.Should().Be(Version.Parse(version));
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");

        using var stream = await response.Content.ReadAsStreamAsync(token);
        using var parser = new SseParser();
        var pending = Array.Empty<byte>();
        var chunk = new byte[4096];
        var progress = 0;
        while (progress < 2)
        {
            var n = await stream.ReadAsync(chunk, token);
            n.Should().BePositive("the stream stays open while the tool runs");
            pending = [.. pending, .. chunk.AsSpan(0, n)];
            var buffer = new ReadOnlySequence<byte>(pending);
            while (parser.TryReadEvent(ref buffer, out var e))
            {
                var data = Encoding.UTF8.GetString(e.Data.Span);
                data.Should().NotContain("\"result\"", "the result must not come before the notifications");
                if (data.Contains("notifications/progress", StringComparison.Ordinal))
                {
                    progress++;
                }
            }

            pending = buffer.ToArray();
        }
    }

    [Test]
    public async Task ApiKey_IsRequired_OnEveryEra_AndAcceptedOverTls_SEC05_A11()
    {
        const string key = "serve-key-0123456789";
        var (app, address) = await StartAsync(new ServeSecurity { ApiKeys = [key], CertPath = Path.Combine(_dir, "cert.pem"), CertKeyPath = Path.Combine(_dir, "key.pem") });
        await using var _ = app;
        using var client = TrustingClient(address, HttpVersion.Version20);

        using (var anonymous = await client.SendAsync(DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", version: "2025-11-25")))
        {
            anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            anonymous.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer");
        }

        using var init = DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        init.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var ok = await client.SendAsync(init);
        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        ok.Headers.Contains("Mcp-Session-Id").Should().BeTrue();

        using var sse = new HttpRequestMessage(HttpMethod.Get, "/sse");
        sse.Headers.Add("Accept", "text/event-stream");
        using var refused = await client.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the 2024-11-05 transport is under the same policy");
    }

    [TestCase("http://0.0.0.0:8000", false, true)]
    [TestCase("http://*:8000", false, true)]
    [TestCase("http://192.0.2.1:8000", false, true)]
    [TestCase("http://0.0.0.0:8000", true, false)]
    [TestCase("http://127.0.0.1:8000;http://[::1]:8000", false, false)]
    [TestCase("http://localhost:8000", false, false)]
    public void NonLoopbackWithoutAuthentication_IsRefused_NamingTheOverride_SEC04_SEC05(string urls, bool withKey, bool refused)
    {
        var security = new ServeSecurity { ApiKeys = withKey ? ["0123456789abcdef0123"] : [] };
        var refusal = ServeSecurity.Check(urls, security);
        if (refused)
        {
            refusal.Should().Contain("without authentication").And.Contain("--allow-unauthenticated-remote");
            ServeSecurity.Check(urls, security with { AllowUnauthenticatedRemote = true }).Should().BeNull();
        }
        else
        {
            refusal.Should().BeNull();
        }
    }

    [Test]
    public async Task Serve_RefusesToStart_OnAnExposedAddressWithoutAuthentication_SEC04_SEC05()
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            (await ServeCommand.RunAsync(["--urls", "http://0.0.0.0:0", "--quiet"])).Should().Be(2);
        }
        finally
        {
            Console.SetError(previous);
        }

        error.ToString().Should().Contain("--allow-unauthenticated-remote");
    }

    [Test]
    public void HttpsWithoutCertificate_IsRefused_A14() =>
        ServeSecurity.Check("https://127.0.0.1:8443", new ServeSecurity()).Should().Contain("--cert");

    [Test]
    public async Task JwtFlags_ValidateRealTokens_AndServeTheMetadata_A01_A04_A07()
    {
        await using var authority = await TestAuthority.StartAsync();
        const string audience = "https://mcp.example/mcp";
        var (app, address) = await StartAsync(new ServeSecurity { JwtAuthority = authority.Issuer, JwtAudience = audience, RequiredScopes = ["mcp:tools"] }, "http");
        await using var _ = app;
        using var client = TestHttp.CreateClient(address);

        using (var metadata = await client.GetAsync("/.well-known/oauth-protected-resource/mcp"))
        {
            metadata.StatusCode.Should().Be(HttpStatusCode.OK);
            var text = await metadata.Content.ReadAsStringAsync();
            text.Should().Contain("\"resource\":\"https://mcp.example/mcp\"").And.Contain(authority.Issuer);
        }

        const string initialize = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        foreach (var (token, expected) in new (string?, HttpStatusCode)[]
        {
            (null, HttpStatusCode.Unauthorized),
            (authority.Mint("https://other.example/mcp", scope: "mcp:tools"), HttpStatusCode.Unauthorized),
            (authority.Mint(audience, scope: "mcp:read"), HttpStatusCode.Forbidden),
            (authority.Mint(audience, scope: "mcp:tools"), HttpStatusCode.OK),
        })
        {
            using var request = DemoHost.Post(initialize);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(expected);
            if (expected != HttpStatusCode.OK)
            {
                response.Headers.WwwAuthenticate.ToString().Should().Contain("resource_metadata=\"https://mcp.example/.well-known/oauth-protected-resource/mcp\"");
            }
        }
    }
}

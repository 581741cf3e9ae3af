using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mcp.Raw.Transport.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Transport.Tests;

/// <summary>
/// The OAuth 2.1 resource server and API keys (A-01..A-13, SEC-05..SEC-07) on real Kestrel, with real RS256 tokens
/// from a loopback authority whose discovery document and JWKS the server fetches.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class AuthenticationTests
{
    private const string ApiKey = "key-0123456789abcdef";
    private const string Discover = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
    private const string WhoAmI = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{}}}";

    private TestAuthority _authority = null!;
    private TestServer _server = null!;
    private string _resource = null!;

    [SetUp]
    public async Task SetUp()
    {
        _authority = await TestAuthority.StartAsync();
        _server = await StartProtectedAsync(_authority, requiredScope: "mcp:tools");
        _resource = "http://" + _server.BaseAddress.Authority + "/mcp";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        await _authority.DisposeAsync();
    }

    private static Task<TestServer> StartProtectedAsync(TestAuthority authority, string? requiredScope, Action<StreamableHttpOptions>? transport = null)
    {
        // The resource URL depends on the port, which is known only after start: the audience is checked against the
        // canonical URI the test computes, so the server is configured from a placeholder that the first request fixes.
        return TestServer.StartAsync(
            o =>
            {
                o.AllowedOrigins.Add("https://app.example");
                transport?.Invoke(o);
            },
            services => services.AddMcpRawAuthentication(a =>
            {
                a.ApiKeys.Add(new McpApiKey("ci-bot", ApiKey, "mcp"));
                a.JwtAuthority = authority.Issuer;
                a.JwtAudience = "https://mcp.example/mcp";
                a.ResourceMetadata.Resource = new Uri("https://mcp.example/mcp");
                a.ResourceMetadata.ScopesSupported.Add("mcp:tools");
                a.ResourceMetadata.ScopesSupported.Add("offline_access");
                if (requiredScope is not null)
                {
                    a.RequiredScopes.Add(requiredScope);
                }
            }).AddMcpRawCors(),
            app =>
            {
                app.UseRouting();
                app.UseCors();
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapMcpRaw("/mcp");
            });
    }

    private const string Audience = "https://mcp.example/mcp";

    private static HttpRequestMessage Modern(string? token, string body = Discover, string method = "server/discover")
    {
        var request = TestServer.Post(body, version: "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static string Challenge(HttpResponseMessage response) => string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));

    [Test]
    public async Task ProtectedResourceMetadata_PathInsertedAndRoot_A01_A02_A03()
    {
        foreach (var path in new[] { "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource" })
        {
            using var response = await _server.Client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            doc.RootElement.GetProperty("resource").GetString().Should().Be("https://mcp.example/mcp", "the configured public URL, never the raw Host (A-02)");
            doc.RootElement.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()).Should().Equal(_authority.Issuer);
            doc.RootElement.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()).Should().Equal(["mcp:tools"], "offline_access is never listed (A-03)");
            doc.RootElement.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()).Should().Equal("header");
        }
    }

    [Test]
    public async Task NoToken_Is401_WithResourceMetadataAndScope_A04()
    {
        using var response = await _server.Client.SendAsync(Modern(null));
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = Challenge(response);
        challenge.Should().StartWith("Bearer ");
        challenge.Should().Contain("resource_metadata=\"https://mcp.example/.well-known/oauth-protected-resource/mcp\"");
        challenge.Should().Contain("scope=\"mcp:tools\"");
        challenge.Should().NotContain("error=", "no token was presented (RFC 6750 §3.1)");
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"error\"").And.Contain("Authorization header");
    }

    [Test]
    public async Task ValidToken_Passes_EveryRequestOnItsOwn_A07_A11()
    {
        var token = _authority.Mint(Audience, scope: "mcp:tools");
        using (var ok = await _server.Client.SendAsync(Modern(token)))
        {
            ok.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        // 2026-07-28 has no handshake: the next request without the token is refused again.
        using var again = await _server.Client.SendAsync(Modern(null));
        again.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [TestCase("wrong-audience")]
    [TestCase("expired")]
    [TestCase("wrong-issuer")]
    [TestCase("foreign-key")]
    [TestCase("garbage")]
    public async Task InvalidToken_Is401_InvalidToken_A04_A07(string kind)
    {
        var token = kind switch
        {
            "wrong-audience" => _authority.Mint("https://other.example/mcp", scope: "mcp:tools"),
            "expired" => _authority.Mint(Audience, scope: "mcp:tools", lifetime: TimeSpan.FromMinutes(-5)),
            "wrong-issuer" => _authority.Mint(Audience, scope: "mcp:tools", issuer: "https://evil.example"),
            "foreign-key" => _authority.Mint(Audience, scope: "mcp:tools", signingKey: TestAuthority.ForeignKey()),
            _ => "not.a.jwt",
        };
        using var response = await _server.Client.SendAsync(Modern(token));
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, kind);
        Challenge(response).Should().Contain("error=\"invalid_token\"").And.Contain("resource_metadata=");
    }

    [Test]
    public async Task NarrowToken_Is403_InsufficientScope_ThenBroaderPasses_A05_A08()
    {
        using (var narrow = await _server.Client.SendAsync(Modern(_authority.Mint(Audience, scope: "mcp:read"))))
        {
            narrow.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            var challenge = Challenge(narrow);
            challenge.Should().Contain("error=\"insufficient_scope\"").And.Contain("scope=\"mcp:tools\"").And.Contain("resource_metadata=");
        }

        // Step-up: a token with the scope, or a broader one that covers it, passes.
        foreach (var scope in new[] { "mcp:tools", "mcp", "openid mcp" })
        {
            using var response = await _server.Client.SendAsync(Modern(_authority.Mint(Audience, scope: scope)));
            response.StatusCode.Should().Be(HttpStatusCode.OK, scope);
        }

        using var narrower = await _server.Client.SendAsync(Modern(_authority.Mint(Audience, scope: "mcp:tools:read")));
        narrower.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a narrower scope never covers a broader one");
    }

    [Test]
    public async Task TokenInQueryString_Is400_EvenWithAValidHeader_A06_A10()
    {
        var token = _authority.Mint(Audience, scope: "mcp:tools");
        var request = Modern(token);
        request.RequestUri = new Uri("/mcp?access_token=" + token, UriKind.Relative);
        using var response = await _server.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Challenge(response).Should().Contain("error=\"invalid_request\"");
    }

    [Test]
    public async Task OriginCheckedBeforeAuthentication_ThenAuthBeforeEra_A12()
    {
        var foreign = Modern(null);
        foreign.Headers.Add("Origin", "https://evil.example");
        using (var response = await _server.Client.SendAsync(foreign))
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the Origin check comes first");
            (await response.Content.ReadAsStringAsync()).Should().Contain("Origin");
        }

        // A token-less probe with an unsupported version gets 401, never an era verdict.
        var probe = TestServer.Post(Discover.Replace("2026-07-28", "2099-01-01"), version: "2099-01-01");
        using var unauthenticated = await _server.Client.SendAsync(probe);
        unauthenticated.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task ApiKeys_InBearerOrXApiKey_ComparedExactly_SEC05()
    {
        var bearer = Modern(ApiKey);
        using (var response = await _server.Client.SendAsync(bearer))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, "the key's scope 'mcp' covers mcp:tools");
        }

        var header = Modern(null);
        header.Headers.Add("X-API-Key", ApiKey);
        using (var response = await _server.Client.SendAsync(header))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        foreach (var wrong in new[] { ApiKey + "x", ApiKey[..^1], ApiKey.ToUpperInvariant(), "" })
        {
            var request = Modern(null);
            request.Headers.TryAddWithoutValidation("X-API-Key", wrong);
            using var response = await _server.Client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"'{wrong}'");
        }
    }

    [Test]
    public async Task EveryEra_IsAuthenticated_A11_TR72()
    {
        // 2025 session: initialize without a token.
        var init = TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        using (var response = await _server.Client.SendAsync(init))
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        // 2024-11-05: the SSE stream and the message endpoint.
        using (var sse = new HttpRequestMessage(HttpMethod.Get, "/sse"))
        {
            sse.Headers.Add("Accept", "text/event-stream");
            using var response = await _server.Client.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var messages = TestServer.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
        {
            messages.RequestUri = new Uri("/messages?sessionId=x", UriKind.Relative);
            using var response = await _server.Client.SendAsync(messages);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/sse");
        withToken.Headers.Add("Accept", "text/event-stream");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _authority.Mint(Audience, scope: "mcp:tools"));
        using var stream = await _server.Client.SendAsync(withToken, HttpCompletionOption.ResponseHeadersRead);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        var events = await TestServer.ReadEventsAsync(stream, e => e.Type == "endpoint");
        events.Last().Data.Should().StartWith("/messages?sessionId=");
    }

    [Test]
    public async Task TokenIsNeverPassedThrough_TheHandlerSeesClaimsOnly_A09()
    {
        var token = _authority.Mint(Audience, subject: "bob", scope: "mcp:tools");
        var body = WhoAmI.Replace("\"id\":7", "\"id\":7").Replace("{\"name\":\"whoami\"", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}},\"name\":\"whoami\"");
        var request = Modern(token, body, "tools/call");
        request.Headers.Add("Mcp-Name", "whoami");
        using var response = await _server.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("sub=bob");
        text.Should().NotContain(token.Split('.')[1], "no claim or property carries the raw token");
    }

    [Test]
    public async Task Cors_PreflightNeedsNoToken_AndRefusalsAreReadable_A13()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/mcp");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, mcp-protocol-version, mcp-method, mcp-name, mcp-param-region");
        using (var response = await _server.Client.SendAsync(preflight))
        {
            response.StatusCode.Should().Be(HttpStatusCode.NoContent);
            response.Headers.GetValues("Access-Control-Allow-Origin").Single().Should().Be("https://app.example");
            var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
            allowed.Should().Contain("authorization").And.Contain("mcp-param-region").And.Contain("mcp-protocol-version");
        }

        var actual = Modern(null);
        actual.Headers.Add("Origin", "https://app.example");
        using (var response = await _server.Client.SendAsync(actual))
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            response.Headers.GetValues("Access-Control-Allow-Origin").Single().Should().Be("https://app.example");
            string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).Should().Contain("WWW-Authenticate").And.Contain("Mcp-Session-Id");
        }

        var authorized = Modern(_authority.Mint(Audience, scope: "mcp:tools"));
        authorized.Headers.Add("Origin", "https://app.example");
        using (var response = await _server.Client.SendAsync(authorized))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.GetValues("Access-Control-Allow-Origin").Single().Should().Be("https://app.example");
        }

        // One allow-list: an origin CORS does not allow is refused by the Origin check too.
        using var foreignPreflight = new HttpRequestMessage(HttpMethod.Options, "/mcp");
        foreignPreflight.Headers.Add("Origin", "https://evil.example");
        foreignPreflight.Headers.Add("Access-Control-Request-Method", "POST");
        using (var response = await _server.Client.SendAsync(foreignPreflight))
        {
            response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        }

        var foreign = Modern(_authority.Mint(Audience, scope: "mcp:tools"));
        foreign.Headers.Add("Origin", "https://evil.example");
        using var refused = await _server.Client.SendAsync(foreign);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}

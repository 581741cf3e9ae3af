using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mcp.Raw.Cli.Serve;
using Mcp.Raw.Protocol.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Client.Tests;

/// <summary>
/// The OAuth 2.1 client (McpClientOptions.OAuth) against our own resource server (mcp-raw serve with JWT bearer
/// validation, A-01..A-07) and a real authorization server on loopback (TestAuthority: RFC 8414 metadata, dynamic
/// registration, PKCE, RS256 tokens for the resource, refresh tokens). The official suite's 27 client auth scenarios
/// run in scripts/conformance.sh; these tests pin the same rules against real peers.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ClientOAuthTests
{
    private static readonly JsonElement s_echo = JsonDocument.Parse("""{"text":"hi"}""").RootElement.Clone();
    private TestAuthority _authority = null!;

    [SetUp]
    public async Task StartAuthority() => _authority = await TestAuthority.StartAsync();

    [TearDown]
    public async Task StopAuthority() => await _authority.DisposeAsync();

    [TestCase(McpProtocolVersion.V2026_07_28)]
    [TestCase(McpProtocolVersion.V2025_11_25)]
    public async Task A401StartsTheFlowAndEveryRequestCarriesTheToken_A04_A07(McpProtocolVersion version)
    {
        await using var server = await ProtectedServer.StartAsync(_authority);
        await using var client = await McpClient.ConnectAsync(server.Url, new McpClientOptions { ProtocolVersion = version, OAuth = Headless() });

        client.ProtocolVersion.Should().Be(version);
        var result = await client.CallToolAsync("echo", s_echo, cancellationToken: TestContext.CurrentContext.CancellationToken);
        ((TextContent)result.Content[0]).Text.Should().Be("hi");

        // Dynamic registration, one authorization with PKCE S256, the challenge's scope and the resource indicator.
        _authority.Registered.Should().HaveCount(1);
        var authorization = _authority.Authorizations.Should().ContainSingle().Subject;
        authorization.ChallengeMethod.Should().Be("S256");
        authorization.Resource.Should().Be(server.Url.AbsoluteUri);
        authorization.Scope!.Split(' ').Should().Contain("mcp:tools");
        var token = _authority.TokenRequests.Should().ContainSingle().Subject;
        token.GrantType.Should().Be("authorization_code");
        token.Resource.Should().Be(server.Url.AbsoluteUri);
    }

    [Test]
    public async Task OfflineAccessIsAskedForOnlyWhenTheAuthorizationServerListsIt()
    {
        await using var server = await ProtectedServer.StartAsync(_authority);
        await using (var _ = await McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() }))
        {
            _authority.Authorizations.Single().Scope!.Split(' ').Should().BeEquivalentTo(["mcp:tools", "offline_access"]);
        }

        _authority.ScopesSupported = ["mcp:tools"];
        await using var second = await McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() });
        _authority.Authorizations.Last().Scope.Should().Be("mcp:tools");
    }

    [Test]
    public async Task AnExpiringTokenIsRefreshedWithoutAnotherAuthorization()
    {
        // A token of 1 s is refreshed in the last half of its life: once that has passed, the next request refreshes first.
        _authority.AccessTokenLifetime = TimeSpan.FromSeconds(1);
        await using var server = await ProtectedServer.StartAsync(_authority);
        await using var client = await McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() });
        _authority.TokenRequests.Select(t => t.GrantType).Should().Equal("authorization_code");
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.CurrentContext.CancellationToken);
        await client.CallToolAsync("echo", s_echo, cancellationToken: TestContext.CurrentContext.CancellationToken);

        _authority.Authorizations.Should().ContainSingle();
        _authority.TokenRequests.Select(t => t.GrantType).Should().StartWith("authorization_code").And.Contain("refresh_token");
        _authority.TokenRequests.Where(t => t.GrantType == "refresh_token").Should().OnlyContain(t => t.Resource == server.Url.AbsoluteUri);
    }

    [Test]
    public async Task A403InsufficientScopeStepsUpWithTheUnionOfScopes_A05()
    {
        // The first grant leaves out the scope the server needs: the server answers 403 insufficient_scope, and the
        // client authorizes again asking for what it had plus what was challenged.
        _authority.GrantScope = (n, requested) => n == 1 ? "profile" : requested;
        await using var server = await ProtectedServer.StartAsync(_authority);
        await using var client = await McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() });
        await client.CallToolAsync("echo", s_echo, cancellationToken: TestContext.CurrentContext.CancellationToken);

        _authority.Authorizations.Should().HaveCount(2);
        _authority.Authorizations.Last().Scope!.Split(' ').Should().Contain("mcp:tools");
    }

    [Test]
    public async Task AServerThatKeepsRefusingEndsInAnErrorAfterTheRetryCap_A05()
    {
        // Every grant lacks the needed scope: each request gets 401 or 403 insufficient_scope, one flow and one retry.
        // Three flows in a row without a success, then the fourth request fails without a fourth flow.
        _authority.GrantScope = (_, _) => "profile";
        await using var server = await ProtectedServer.StartAsync(_authority);
        using var handler = new OAuthHandler(new OAuthSession(Headless(), server.Url), new SocketsHttpHandler());
        using var http = new HttpClient(handler);
        HttpRequestMessage Discover()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, server.Url)
            {
                Content = new ReadOnlyMemoryContent(System.Text.Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}")),
            };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
            request.Headers.Add("Mcp-Method", "server/discover");
            return request;
        }

        for (var i = 1; i <= 3; i++)
        {
            using var response = await http.SendAsync(Discover(), TestContext.CurrentContext.CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            _authority.Authorizations.Should().HaveCount(i);
        }

        var fourth = () => http.SendAsync(Discover(), TestContext.CurrentContext.CancellationToken);
        (await fourth.Should().ThrowAsync<McpAuthorizationException>()).Which.Message.Should().Contain("3 authorization flow(s)");
        _authority.Authorizations.Should().HaveCount(3);
    }

    [Test]
    public async Task TheFlowWorksThroughTheCallersOwnHttpClient()
    {
        await using var server = await ProtectedServer.StartAsync(_authority);
        using var own = new HttpClient();
        await using (var client = await McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() }, own))
        {
            var result = await client.CallToolAsync("echo", s_echo, cancellationToken: TestContext.CurrentContext.CancellationToken);
            ((TextContent)result.Content[0]).Text.Should().Be("hi");
        }

        (await own.GetAsync(new Uri(server.Url, "/.well-known/oauth-protected-resource/mcp"))).IsSuccessStatusCode.Should().BeTrue("the caller's client outlives ours");
    }

    [Test]
    public async Task PreRegisteredCredentialsNeverGoToAnotherIssuer()
    {
        // The client id belongs to another authorization server: this one gets a dynamic registration, never the secret.
        _authority.PreRegistered["ci-client"] = "s3cret";
        await using var server = await ProtectedServer.StartAsync(_authority);
        await using var client = await McpClient.ConnectAsync(server.Url, new McpClientOptions
        {
            OAuth = Headless(o =>
            {
                o.ClientId = "ci-client";
                o.ClientSecret = "s3cret";
                o.ClientIdIssuer = "https://login.other.example";
            }),
        });

        _authority.Registered.Should().HaveCount(1);
        _authority.Authorizations.Should().OnlyContain(a => a.ClientId != "ci-client");
        _authority.TokenRequests.Should().OnlyContain(t => t.ClientId != "ci-client");
        _authority.Requests.Should().OnlyContain(r => !r.Authorization.StartsWith("Basic", StringComparison.Ordinal));
    }

    [Test]
    public async Task ResourceMetadataForAnotherResourceAbortsBeforeAuthorization_A02()
    {
        await using var server = await ProtectedServer.StartAsync(_authority, resource: "https://elsewhere.example/mcp");
        var connect = () => McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() });

        (await connect.Should().ThrowAsync<McpAuthorizationException>()).Which.Message.Should().Contain("elsewhere.example");
        _authority.Authorizations.Should().BeEmpty();
        _authority.Registered.Should().BeEmpty();
    }

    [Test]
    public async Task AnAuthorizationServerWithoutHttpsIsRefusedBeforeAnyRequestToIt_A14()
    {
        await using var server = await ProtectedServer.StartAsync(_authority, authorizationServer: "http://login.example.com");
        var connect = () => McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() });

        (await connect.Should().ThrowAsync<McpAuthorizationException>()).Which.Message.Should().Contain("http://login.example.com").And.Contain("https");
        _authority.Requests.Should().BeEmpty();
    }

    [TestCase("iss", "https://evil.example")]
    [TestCase("iss", "{issuer}/")]
    [TestCase("iss", null)]
    [TestCase("state", "forged")]
    [TestCase("state", null)]
    public async Task ATamperedAuthorizationResponseIsRefusedBeforeTheTokenRequest(string parameter, string? value)
    {
        await using var server = await ProtectedServer.StartAsync(_authority);
        var headless = McpOAuthUserAgents.Headless();
        var oauth = Headless(o => o.Authorize = async (url, ct) =>
        {
            var callback = await headless(url, ct);
            var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
            if (value is null)
            {
                query.Remove(parameter);
            }
            else
            {
                query[parameter] = value.Replace("{issuer}", _authority.Issuer, StringComparison.Ordinal);
            }

            return new UriBuilder(callback) { Query = query.ToString() }.Uri;
        });
        var connect = () => McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = oauth });

        (await connect.Should().ThrowAsync<McpAuthorizationException>()).Which.Message.Should().Contain(parameter);
        _authority.Authorizations.Should().ContainSingle();
        _authority.TokenRequests.Should().BeEmpty();
    }

    [Test]
    public async Task APreRegisteredConfidentialClientAuthenticatesWithBasic()
    {
        _authority.PreRegistered["ci-client"] = "s3cret:with/odd chars";
        await using var server = await ProtectedServer.StartAsync(_authority);
        await using var client = await McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless(o => { o.ClientId = "ci-client"; o.ClientSecret = "s3cret:with/odd chars"; }) });

        _authority.Registered.Should().BeEmpty();
        _authority.TokenRequests.Should().ContainSingle().Which.Should().Be(new TokenSeen("authorization_code", "ci-client", "client_secret_basic", server.Url.AbsoluteUri));
    }

    [Test]
    public async Task TheTokenGoesOnlyInTheAuthorizationHeaderAndOnlyToTheMcpServer_A10()
    {
        await using var server = await ProtectedServer.StartAsync(_authority);
        await using var client = await McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = Headless() });
        await client.CallToolAsync("echo", s_echo, cancellationToken: TestContext.CurrentContext.CancellationToken);

        server.Seen.Where(r => r.Path == "/mcp").Should().Contain(r => r.Authorization.Length == 0, "the first, refused request is recorded too")
            .And.Contain(r => r.Authorization.StartsWith("Bearer ey", StringComparison.Ordinal));
        server.Seen.Should().OnlyContain(r => !r.Query.Contains("token", StringComparison.OrdinalIgnoreCase));
        _authority.Requests.Should().NotBeEmpty().And.OnlyContain(r => !r.Authorization.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase));
    }

    [Test]
    public async Task WithoutAUserAgentTheOptionsAreRefused()
    {
        await using var server = await ProtectedServer.StartAsync(_authority);
        var connect = () => McpClient.ConnectAsync(server.Url, new McpClientOptions { OAuth = new McpOAuthOptions() });
        (await connect.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("Authorize");
    }

    [Test]
    public async Task TheLoopbackListenerReturnsTheRedirectAndAnswers404Elsewhere()
    {
        using var listener = LoopbackRedirectListener.Start();
        listener.RedirectUri.Host.Should().Be("127.0.0.1");
        var waiting = listener.WaitForRedirectAsync(TestContext.CurrentContext.CancellationToken);
        using var http = new HttpClient();
        (await http.GetAsync(new Uri(listener.RedirectUri, "/favicon.ico"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        waiting.IsCompleted.Should().BeFalse();
        var page = await http.GetStringAsync(listener.RedirectUri + "?code=abc&state=xyz");
        page.Should().Contain("You may close this window");
        (await waiting).Query.Should().Be("?code=abc&state=xyz");
    }

    [Test]
    public async Task CallWithAuthPrintsTheUrlAndTakesTheCodeOnTheLoopbackRedirect()
    {
        await using var server = await ProtectedServer.StartAsync(_authority);
        var dll = Path.Combine(AppContext.BaseDirectory, "mcp-raw.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "call", server.Url.AbsoluteUri, "echo", "--arg", "text=through oauth", "--auth"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var token = TestContext.CurrentContext.CancellationToken;
        try
        {
            // The person: read the printed URL, open it in a "browser" that follows the redirect to the loopback listener.
            string? url = null;
            while (url is null && await process.StandardError.ReadLineAsync(token) is { } line)
            {
                const string prefix = "authorize in a browser: ";
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    url = line[prefix.Length..];
                }
            }

            url.Should().NotBeNull("the CLI prints the authorization URL");
            using var browser = new HttpClient();
            (await browser.GetStringAsync(new Uri(url!), token)).Should().Contain("You may close this window");
            var stdout = await process.StandardOutput.ReadToEndAsync(token);
            await process.WaitForExitAsync(token);
            process.ExitCode.Should().Be(0);
            stdout.Trim().Should().Be("through oauth");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [TestCase("Bearer resource_metadata=\"https://h/.well-known/oauth-protected-resource/mcp\", scope=\"a b\"", "https://h/.well-known/oauth-protected-resource/mcp", "a b", null)]
    [TestCase("Basic realm=\"x, y\", Bearer error=\"insufficient_scope\", scope=\"mcp:write\"", null, "mcp:write", "insufficient_scope")]
    [TestCase("bearer error=invalid_token, error_description=\"say \\\"no\\\", twice\", scope=\"s\"", null, "s", "invalid_token")]
    [TestCase("Bearer scope=\"first\", Basic scope=\"second\"", null, "first", null)]
    public void TheBearerChallengeIsReadFromAnyPositionInTheHeader_A04(string header, string? metadata, string? scope, string? error)
    {
        BearerChallenge.TryParse(header, out var challenge).Should().BeTrue();
        challenge.ResourceMetadata.Should().Be(metadata);
        challenge.Scope.Should().Be(scope);
        challenge.Error.Should().Be(error);
    }

    [Test]
    public void AChallengeForAnotherSchemeOnlyIsNoBearerChallenge()
    {
        BearerChallenge.TryParse("Basic realm=\"mcp\", ApiKey header=\"X-Api-Key\"", out _).Should().BeFalse();
    }

    [TestCase("http://127.0.0.1:8000/mcp", "http://127.0.0.1:8000/mcp", true)]
    [TestCase("http://127.0.0.1:8000", "http://127.0.0.1:8000/mcp", true)]
    [TestCase("HTTP://127.0.0.1:8000/mcp/", "http://127.0.0.1:8000/mcp", true)]
    [TestCase("http://127.0.0.1:8000/api", "http://127.0.0.1:8000/api/mcp", true)]
    [TestCase("http://127.0.0.1:8000/mc", "http://127.0.0.1:8000/mcp", false)]
    [TestCase("http://127.0.0.1:8001/mcp", "http://127.0.0.1:8000/mcp", false)]
    [TestCase("https://127.0.0.1:8000/mcp", "http://127.0.0.1:8000/mcp", false)]
    [TestCase("https://evil.example.com/mcp", "http://127.0.0.1:8000/mcp", false)]
    [TestCase("http://127.0.0.1:8000/mcp#x", "http://127.0.0.1:8000/mcp", false)]
    [TestCase("http://127.0.0.1:8000/other", "http://127.0.0.1:8000/mcp", false)]
    public void TheResourceMustNameTheEndpointOrAParentOfIt_A02(string resource, string endpoint, bool matches)
    {
        OAuthSession.ResourceMatches(resource, new Uri(endpoint)).Should().Be(matches);
    }

    private static McpOAuthOptions Headless(Action<McpOAuthOptions>? configure = null)
    {
        var options = new McpOAuthOptions { Authorize = McpOAuthUserAgents.Headless(), RedirectUri = new Uri("http://127.0.0.1:1/callback"), ClientName = "oauth-tests" };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>mcp-raw serve with JWT bearer validation (audience = its resource URL, scope mcp:tools), on a free loopback port.</summary>
    private sealed class ProtectedServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ProtectedServer(WebApplication app, Uri url, System.Collections.Concurrent.ConcurrentQueue<(string Path, string Query, string Authorization)> seen)
        {
            _app = app;
            Url = url;
            Seen = seen;
        }

        public Uri Url { get; }

        public System.Collections.Concurrent.ConcurrentQueue<(string Path, string Query, string Authorization)> Seen { get; }

        public static async Task<ProtectedServer> StartAsync(TestAuthority authority, string? resource = null, string? authorizationServer = null)
        {
            // The resource URL is the audience and must be known before start: take a free port first.
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var origin = $"http://127.0.0.1:{port}";
            var security = new ServeSecurity { JwtAuthority = authority.Issuer, Resource = resource ?? origin + "/mcp", RequiredScopes = ["mcp:tools"], AuthorizationServers = authorizationServer is null ? [] : [authorizationServer] };
            var seen = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string Query, string Authorization)>();

            // First in the pipeline (before authentication): refused requests are seen too.
            var app = ServeCommand.Build(
                new ServeOptions(origin, "/mcp", "/sse", false, Conformance: false, Quiet: true) { Security = security },
                configureServices: services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RecordFirst(seen)));
            var server = new ProtectedServer(app, new Uri(origin + "/mcp"), seen);
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private sealed class RecordFirst(System.Collections.Concurrent.ConcurrentQueue<(string Path, string Query, string Authorization)> seen) : Microsoft.AspNetCore.Hosting.IStartupFilter
        {
            public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
            {
                app.Use(async (context, inner) =>
                {
                    seen.Enqueue((context.Request.Path, context.Request.QueryString.Value ?? string.Empty, context.Request.Headers.Authorization.ToString()));
                    await inner(context);
                });
                next(app);
            };
        }
    }
}

using System.Diagnostics;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Cli.Serve;

/// <summary><c>mcp-raw serve</c>: the demo server.</summary>
internal static partial class ServeCommand
{
    public const string Usage = """
        mcp-raw serve [options]     Run the demo MCP server (in-memory stores unless --redis).

          --urls URL         where to listen (default http://127.0.0.1:8000)
          --path PATH        the MCP endpoint (default /mcp)
          --stateless        no sessions (2025 eras per request; 2026-07-28 is sessionless anyway)
          --sse-path PATH    the 2024-11-05 HTTP+SSE endpoint (default /sse; "none" to turn it off)
          --conformance      add every fixture of the official conformance suite
          --tasks            process_files runs as a task when the client allows it (the tasks extension): no
                             notifications then, each item becomes the task's status message
          --quiet            no per-request log lines
          --stdio            serve over stdin/stdout (newline-delimited JSON-RPC; logs on stderr) instead of HTTP
          --redis CONFIG     keep sessions and resumable events in Redis (e.g. 127.0.0.1:6379), so several nodes
                             behind a load balancer serve one set of sessions

        Security (see README "Security"):
          --api-key KEY                 accept this API key (Authorization: Bearer KEY or X-API-Key); repeatable
          --jwt-authority URL           accept JWT access tokens from this issuer (https; http only on loopback)
          --jwt-audience URI            the audience tokens must name: this server's canonical URL (RFC 8707)
          --required-scope S            a scope every request needs (a broader scope covers it); repeatable
          --resource URL                the public URL named in the protected-resource metadata
          --authorization-server URL    the issuer the metadata lists (default: --jwt-authority); repeatable
          --cors-origin ORIGIN          allow this browser origin (CORS and the Origin check); repeatable
          --cert PATH                   TLS certificate for https:// URLs (PEM with --cert-key, or PFX)
          --cert-key PATH               the PEM private key of --cert
          --cert-password PW            the password of a PFX --cert
          --allow-unauthenticated-remote  listen on a non-loopback address without authentication (not advised)
          --max-sessions-per-client N   sessions one principal or anonymous address may hold (default 1000)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var urls = "http://127.0.0.1:8000";
        var path = "/mcp";
        string? ssePath = "/sse";
        var stateless = false;
        var conformance = false;
        var tasks = false;
        var quiet = false;
        var stdio = false;
        string? redis = null;
        var security = new ServeSecurity();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--api-key" when i + 1 < args.Length: security.ApiKeys.Add(args[++i]); break;
                case "--jwt-authority" when i + 1 < args.Length: security = security with { JwtAuthority = args[++i] }; break;
                case "--jwt-audience" when i + 1 < args.Length: security = security with { JwtAudience = args[++i] }; break;
                case "--required-scope" when i + 1 < args.Length: security.RequiredScopes.Add(args[++i]); break;
                case "--resource" when i + 1 < args.Length: security = security with { Resource = args[++i] }; break;
                case "--authorization-server" when i + 1 < args.Length: security.AuthorizationServers.Add(args[++i]); break;
                case "--cors-origin" when i + 1 < args.Length: security.CorsOrigins.Add(args[++i]); break;
                case "--cert" when i + 1 < args.Length: security = security with { CertPath = args[++i] }; break;
                case "--cert-key" when i + 1 < args.Length: security = security with { CertKeyPath = args[++i] }; break;
                case "--cert-password" when i + 1 < args.Length: security = security with { CertPassword = args[++i] }; break;
                case "--allow-unauthenticated-remote": security = security with { AllowUnauthenticatedRemote = true }; break;
                case "--max-sessions-per-client" when i + 1 < args.Length && int.TryParse(args[i + 1], out var max) && max > 0:
                    security = security with { MaxSessionsPerClient = max };
                    i++;
                    break;
                case "--urls" when i + 1 < args.Length: urls = args[++i]; break;
                case "--path" when i + 1 < args.Length: path = args[++i]; break;
                case "--sse-path" when i + 1 < args.Length: ssePath = args[++i] is "none" or "" ? null : args[i]; break;
                case "--stateless": stateless = true; break;
                case "--conformance": conformance = true; break;
                case "--tasks": tasks = true; break;
                case "--quiet": quiet = true; break;
                case "--stdio": stdio = true; break;
                case "--redis" when i + 1 < args.Length: redis = args[++i]; break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default:
                    await Console.Error.WriteLineAsync($"mcp-raw serve: unknown or incomplete option '{args[i]}'.\n\n{Usage}");
                    return 2;
            }
        }

        var options = new ServeOptions(urls, path, ssePath, stateless, conformance, quiet) { Security = security, Tasks = tasks, Redis = redis };
        if (stdio)
        {
            return await RunStdioAsync(options);
        }

        if (ServeSecurity.Check(urls, security) is { } refusal)
        {
            await Console.Error.WriteLineAsync("mcp-raw serve: " + refusal);
            return 2;
        }

        var app = Build(options);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            Console.WriteLine($"mcp-raw demo server listening on {address.TrimEnd('/')}{path}" + (ssePath is null ? string.Empty : $" (2024-11-05 HTTP+SSE: {address.TrimEnd('/')}{ssePath})"));
        }

        var auth = security.HasAuthentication ? (security.JwtAuthority is null ? "API keys" : security.ApiKeys.Count > 0 ? "API keys and JWT" : "JWT bearer") : "no authentication (loopback only)";
        Console.WriteLine($"mode: {(stateless ? "stateless" : "stateful sessions")}, {(redis is null ? "in-memory stores" : "Redis stores at " + redis)}, {auth}{(conformance ? ", conformance fixtures" : string.Empty)}; Ctrl+C to stop.");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The same server over stdio: protocol on stdout only, every log line on stderr.</summary>
    private static async Task<int> RunStdioAsync(ServeOptions options)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Mcp.Raw.Cli", options.Quiet ? LogLevel.Warning : LogLevel.Information);
        var stats = new DemoStats();
        var mcp = builder.Services.AddMcpRawServer(o => o.ServerInfo = new Implementation { Name = "mcp-raw-demo", Version = typeof(ServeCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" });
        DemoTools.Register(mcp, stats, options.Tasks);
        if (options.Conformance)
        {
            ConformanceFixtures.Register(mcp);
        }

        using var host = builder.Build();
        await host.StartAsync();
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();
        var handler = new RequestLogHandler(host.Services.GetRequiredService<McpServer>(), loggers.CreateLogger("Mcp.Raw.Cli.Requests"));
        await using (var transport = new Transport.Stdio.StdioServerTransport(handler, host.Services, loggers.CreateLogger("Mcp.Raw.Transport.Stdio")))
        {
            await transport.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        }

        await host.StopAsync();
        return 0;
    }

    /// <summary>Builds the demo server (not started): what <c>serve</c> runs, and what the tests start on port 0.</summary>
    internal static WebApplication Build(ServeOptions options, Action<McpServerOptions>? configureServer = null, Action<StreamableHttpOptions>? configureTransport = null, Action<IServiceCollection>? configureServices = null)
    {
        var (urls, path, ssePath, stateless, conformance, quiet) = options;
        var security = options.Security;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        if (security.LoadCertificate() is { } certificate)
        {
            // https:// URLs: TLS with ALPN, HTTP/2 and HTTP/1.1 on the same port (Kestrel's default protocols).
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Mcp.Raw.Cli", quiet ? LogLevel.Warning : LogLevel.Information);
        builder.Logging.AddFilter("Mcp.Raw.Transport.Security", LogLevel.Information);

        var stats = new DemoStats();
        var mcp = builder.Services.AddMcpRawServer(
            o =>
            {
                o.ServerInfo = new Implementation { Name = "mcp-raw-demo", Version = typeof(ServeCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" };
                configureServer?.Invoke(o);
            },
            o =>
            {
                o.Stateless = stateless;
                o.HttpSse2024Path = ssePath;
                if (security.MaxSessionsPerClient is { } max)
                {
                    o.MaxSessionsPerPrincipal = max;
                    o.MaxAnonymousSessionsPerAddress = max;
                }

                configureTransport?.Invoke(o);
            });
        if (options.Redis is { } redis)
        {
            builder.Services.AddMcpRawRedis(redis);
        }

        if (security.Authentication(urls.Split(';')[0], path) is { } authentication)
        {
            builder.Services.AddMcpRawAuthentication(authentication);
        }

        if (security.CorsOrigins.Count > 0)
        {
            builder.Services.AddMcpRawCors([.. security.CorsOrigins]);
        }

        DemoTools.Register(mcp, stats, options.Tasks);
        if (conformance)
        {
            ConformanceFixtures.Register(mcp);
        }

        // One log line per JSON-RPC request: the server, wrapped.
        builder.Services.AddSingleton<IMcpMessageHandler>(sp => new RequestLogHandler(sp.GetRequiredService<McpServer>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Mcp.Raw.Cli.Requests")));

        builder.Services.AddSingleton(stats);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        if (security.HasAuthentication || security.CorsOrigins.Count > 0)
        {
            // The order ASP.NET Core documents: CORS after routing and before authentication.
            app.UseRouting();
            if (security.CorsOrigins.Count > 0)
            {
                app.UseCors();
            }

            if (security.HasAuthentication)
            {
                app.UseAuthentication();
                app.UseAuthorization();
            }
        }

        app.MapMcpRaw(path);
        return app;
    }
    /// <summary>Logs one line per request: method, name, id, era, session, outcome and time.</summary>
    private sealed partial class RequestLogHandler(McpServer inner, ILogger logger) : IMcpMessageHandler
    {
        public IReadOnlyList<ToolHeaderAnnotation>? GetToolHeaderAnnotations(string toolName) => inner.GetToolHeaderAnnotations(toolName);

        public ValueTask HandleNotificationAsync(McpNotificationContext context) => inner.HandleNotificationAsync(context);

        public async Task HandleRequestAsync(McpRequestContext context)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = "ok";
            try
            {
                await inner.HandleRequestAsync(context);
                if (context.IsCancellationRequested)
                {
                    outcome = "cancelled";
                }
            }
            catch (OperationCanceledException)
            {
                outcome = "cancelled";
                throw;
            }
            catch
            {
                outcome = "failed";
                throw;
            }
            finally
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var m = context.Message;
                    var target = m.Envelope.GetName() ?? m.Envelope.GetUri();
                    var id = m.Id.ToString();
                    var known = McpProtocolVersions.All.Contains(context.ProtocolVersion) ? context.ProtocolVersion : context.Session?.ProtocolVersion;
                    var version = known is { } v && McpProtocolVersions.All.Contains(v) ? v.ToVersionString() : "-";
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    LogRequest(logger, m.MethodName ?? "?", target is null ? string.Empty : " " + target, id, version, context.Session?.Tag ?? "-", outcome, elapsed);
                }
            }
        }

        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method}{Target} id={Id} v={Version} session={Session} {Outcome} {Elapsed:F1} ms")]
        private static partial void LogRequest(ILogger logger, string method, string target, string id, string version, string session, string outcome, double elapsed);
    }
}

/// <summary>The options of <c>mcp-raw serve</c>.</summary>
internal sealed record ServeOptions(string Urls, string Path, string? SsePath, bool Stateless, bool Conformance, bool Quiet)
{
    /// <summary>Authentication, CORS, TLS and exposure.</summary>
    public ServeSecurity Security { get; init; } = new();

    /// <summary>Whether process_files runs as a task when the client allows it (<c>--tasks</c>).</summary>
    public bool Tasks { get; init; }

    /// <summary>The Redis configuration string of <c>--redis</c>, or null for the in-memory stores.</summary>
    public string? Redis { get; init; }
}

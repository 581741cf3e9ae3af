using Mcp.Raw.Cli.Serve;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Mcp.Raw.Redis.Tests;

/// <summary>
/// Nodes of the demo server (<c>mcp-raw serve --redis</c>, real Kestrel on loopback ports of their own) sharing one
/// Redis, behind a YARP reverse proxy that sends each request to the next node in turn (round robin, no affinity).
/// Every answer names the node that served it (<c>X-Mcp-Node</c>).
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    public const string NodeHeader = "X-Mcp-Node";

    private readonly List<WebApplication> _nodes;
    private readonly Dictionary<string, WebApplication> _byName = new(StringComparer.Ordinal);
    private readonly WebApplication _proxy;

    private Cluster(List<WebApplication> nodes, WebApplication proxy, Uri endpoint)
    {
        _nodes = nodes;
        _proxy = proxy;
        Endpoint = endpoint;
        Client = TestHttp.CreateClient();
    }

    /// <summary>The proxy's MCP endpoint.</summary>
    public Uri Endpoint { get; }

    public HttpClient Client { get; }

    public static async Task<Cluster> StartAsync(string redis, int count = 3)
    {
        var prefix = "c" + Guid.NewGuid().ToString("N")[..8] + ":";
        var nodes = new List<WebApplication>();
        var addresses = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = ((char)('A' + i)).ToString();
            var node = ServeCommand.Build(
                new ServeOptions("http://127.0.0.1:0", "/mcp", null, false, Conformance: true, Quiet: true) { Redis = redis },
                configureServices: services =>
                {
                    services.Configure<McpRedisOptions>(o => o.KeyPrefix = prefix);
                    services.AddSingleton<IStartupFilter>(new NameTheNode(name));
                    services.AddSingleton<NodeName>();
                });
            await node.StartAsync();
            nodes.Add(node);
            node.Services.GetRequiredService<NodeName>().Value = name;
            addresses.Add(node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "mcp", ClusterId = "nodes", Match = new RouteMatch { Path = "{**all}" } }],
            [new ClusterConfig
            {
                ClusterId = "nodes",
                LoadBalancingPolicy = "RoundRobin",
                Destinations = addresses.Select((a, i) => (a, i)).ToDictionary(d => "node" + d.i, d => new DestinationConfig { Address = d.a }),
            }]);
        var proxy = builder.Build();
        proxy.MapReverseProxy();
        await proxy.StartAsync();
        var address = proxy.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Cluster(nodes, proxy, new Uri(address + "/mcp"));
    }

    /// <summary>
    /// Kills a node as a crash would: its Redis connection goes first (nothing it does reaches Redis after that), then
    /// its server, with no graceful stop. The proxy still names it: a request sent there fails (502) and is retried.
    /// </summary>
    public async Task KillAsync(string name)
    {
        var node = _nodes.Single(n => n.Services.GetRequiredService<NodeName>().Value == name);
        _nodes.Remove(node);
        await node.Services.GetRequiredService<RedisConnection>().DisposeAsync();
        await node.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _proxy.StopAsync();
        await _proxy.DisposeAsync();
        foreach (var node in _nodes)
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }
    }

    /// <summary>The node's name, for finding it again.</summary>
    private sealed class NodeName
    {
        public string Value { get; set; } = string.Empty;
    }

    private sealed class NameTheNode(string name) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                context.Response.Headers[NodeHeader] = name;
                return inner(context);
            });
            next(app);
        };
    }
}

using System.Text;
using Mcp.Raw.LoadHost;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

// Load host for benchmarks/load: "mcp" serves the transport with the load workloads' echo and progress tools;
// "raw" is the ceiling, raw Kestrel whose POST handler reads the body and writes a fixed result of the same size.
// Usage: Mcp.Raw.LoadHost mcp|raw [--urls http://127.0.0.1:PORT] [--stateless]
var mode = args.Length > 0 ? args[0] : "mcp";
var builder = WebApplication.CreateSlimBuilder();
var urlsAt = Array.IndexOf(args, "--urls");
builder.WebHost.UseUrls(urlsAt >= 0 && urlsAt + 1 < args.Length ? args[urlsAt + 1] : "http://127.0.0.1:8001");
builder.Logging.ClearProviders();
if (mode == "mcp")
{
    builder.Services.AddMcpRawTransport(o =>
    {
        o.Stateless = args.Contains("--stateless");
        o.MaxSessions = 100_000;
        o.MaxAnonymousSessionsPerAddress = 100_000; // W4 holds 10,000 idle sessions from one loopback address
    });
    builder.Services.AddSingleton<IMcpMessageHandler, LoadHandler>();
}

AllocationSampler? sampler = Environment.GetEnvironmentVariable("MCP_RAW_SAMPLE_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
var app = builder.Build();
app.MapGet("/stats/types", () => Results.Text(sampler is null ? "set MCP_RAW_SAMPLE_ALLOCATIONS=1" : string.Join('\n', sampler.Bytes.OrderByDescending(p => p.Value).Take(25).Select(p => p.Value + " " + p.Key))));

// Bytes allocated by the whole process so far: the harness divides the difference by the requests of a run.
app.MapGet("/stats", () => Results.Text(GC.GetTotalAllocatedBytes(precise: true).ToString(System.Globalization.CultureInfo.InvariantCulture)));
if (mode == "mcp")
{
    app.MapMcpRaw("/mcp");
}
else
{
    app.MapPost("/mcp", RawResponses.HandleAsync);
    app.MapGet("/mcp", () => Results.Ok());

    // The floor for W4: a raw SSE response that only stays open (what any server pays per open stream on Kestrel).
    app.MapGet("/hold", async context =>
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.BodyWriter.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    });
}

app.Run();

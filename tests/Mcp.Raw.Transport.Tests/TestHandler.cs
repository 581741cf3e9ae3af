using System.Collections.Concurrent;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Transport.Tests;

/// <summary>A small handler standing in for the server layer: enough tools to exercise every transport path.</summary>
internal sealed class TestHandler : IMcpMessageHandler
{
    private static readonly IReadOnlyList<ToolHeaderAnnotation> s_regionHeader = [new ToolHeaderAnnotation(["region"], "Region", "string")];

    public ConcurrentQueue<string> Notifications { get; } = new();

    public TaskCompletionSource SlowCancelled { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> GateCompleted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many notifications the flood tool has handed to the transport so far.</summary>
    public int FloodSent => Volatile.Read(ref _floodSent);

    public TaskCompletionSource FloodEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _floodSent;

    public int FloodRefused { get; private set; }

    public bool FloodSawCancellation { get; private set; }

    public TaskCompletionSource FloodCancellationChecked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResetSlow()
    {
        SlowCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        SlowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public IReadOnlyList<ToolHeaderAnnotation>? GetToolHeaderAnnotations(string toolName) => toolName == "regional" ? s_regionHeader : [];

    public ValueTask HandleNotificationAsync(McpNotificationContext context)
    {
        Notifications.Enqueue(context.Message.MethodName ?? "?");
        return ValueTask.CompletedTask;
    }

    public async Task HandleRequestAsync(McpRequestContext context)
    {
        var m = context.Message;
        switch (m.Method)
        {
            case McpMethod.Initialize:
                var init = m.DeserializeParams(McpJsonContext.Default.InitializeRequestParams)!;
                var version = McpProtocolVersions.TryParse(init.ProtocolVersion, out var v) && !v.IsModern() ? v : McpProtocolVersions.LatestSessions2025;
                context.Session!.Negotiate(version, init.Capabilities, init.ClientInfo);
                await context.RespondAsync(new InitializeResult
                {
                    ProtocolVersion = version.ToVersionString(),
                    Capabilities = new ServerCapabilities { Tools = new CapabilityOptions() },
                    ServerInfo = new Implementation { Name = "test", Version = "1" },
                }, McpJsonContext.Default.InitializeResult);
                return;
            case McpMethod.ServerDiscover:
                await context.RespondAsync(new DiscoverResult
                {
                    ResultType = ResultTypes.Complete,
                    SupportedVersions = ["2026-07-28"],
                    Capabilities = new ServerCapabilities { Tools = new CapabilityOptions() },
                    TtlMs = 0,
                    CacheScope = CacheScopes.Private,
                }, McpJsonContext.Default.DiscoverResult);
                return;
            case McpMethod.Ping:
                await context.RespondAsync(new EmptyResult(), McpJsonContext.Default.EmptyResult);
                return;
            case McpMethod.ToolsCall:
                await CallToolAsync(context, m.DeserializeParams(McpJsonContext.Default.CallToolRequestParams)!);
                return;
            default:
                await context.RespondErrorAsync(JsonRpcErrorCode.MethodNotFound, "Method not found: " + m.MethodName);
                return;
        }
    }

    private async Task CallToolAsync(McpRequestContext context, CallToolRequestParams p)
    {
        var args = p.Arguments;
        switch (p.Name)
        {
            case "whoami":
                // Who the handler sees: the principal's claims (the raw token must never be among them, A-09).
                await Text(context, string.Join("|", context.User.Claims.Select(c => c.Type + "=" + c.Value)));
                return;
            case "echo" or "regional":
                await Text(context, args?.TryGetProperty("text", out var t) == true ? t.GetString()! : "");
                return;
            case "progress":
                var steps = args!.Value.GetProperty("steps").GetInt32();
                var token = context.Message.Envelope.ProgressToken;
                for (var i = 1; i <= steps; i++)
                {
                    if (!token.IsNone)
                    {
                        await context.SendAsync(static (w, o, s) => w.WriteProgressNotification(o, s.token, s.i, s.steps), (token, i, steps));
                    }

                    await context.SendAsync(static (w, o, i) => w.WriteLogNotification(o, "info"u8, "step " + i), i);
                }

                await Text(context, "done");
                return;
            case "slow":
                SlowStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.Cancellation);
                }
                catch (OperationCanceledException)
                {
                    SlowCancelled.TrySetResult();
                    throw;
                }

                return;
            case "gated":
                // Sends one notification, waits for the test to open the gate, then sends two more and the result.
                await context.SendAsync(static (w, o, _) => w.WriteLogNotification(o, "info"u8, "before"), 0);
                await Gate.Task.WaitAsync(TimeSpan.FromSeconds(20));
                await context.SendAsync(static (w, o, _) => w.WriteLogNotification(o, "info"u8, "after 1"), 0);
                await context.SendAsync(static (w, o, _) => w.WriteLogNotification(o, "info"u8, "after 2"), 0);
                await Text(context, "gated done");
                GateCompleted.TrySetResult(true);
                return;
            case "poll":
                await context.SendAsync(static (w, o, _) => w.WriteLogNotification(o, "info"u8, "before poll"), 0);
                (await context.DisconnectForPollingAsync()).Should().BeTrue();
                await Task.Delay(200);
                await context.SendAsync(static (w, o, _) => w.WriteLogNotification(o, "info"u8, "after poll"), 0);
                await Text(context, "polled");
                return;
            case "poll_first":
                // Ends the stream before any message: the client has seen only the priming event.
                (await context.DisconnectForPollingAsync()).Should().BeTrue();
                await Task.Delay(300);
                await Text(context, "polled first");
                return;
            case "ask":
                var answer = await context.SendRequestAsync(McpMethods.ElicitationCreate, new ElicitRequestParams { Message = "Name?" }, McpJsonContext.Default.ElicitRequestParams);
                var result = answer.DeserializeResult(McpJsonContext.Default.ElicitResult)!;
                await Text(context, "hello " + result.Content!["name"].GetString());
                return;
            case "flood":
                // 2,000 notifications of 16 KB: 32 MB if nothing pushed back.
                var chunk = new string('x', 16 * 1024);
                try
                {
                    for (var i = 0; i < 2000 && !context.Cancellation.IsCancellationRequested; i++)
                    {
                        if (!await context.SendAsync(static (w, o, c) => w.WriteLogNotification(o, "info"u8, c), chunk))
                        {
                            // The stream can no longer deliver: a well-behaved tool stops here.
                            FloodRefused++;
                            break;
                        }

                        Interlocked.Increment(ref _floodSent);
                    }
                }
                finally
                {
                    FloodEnded.TrySetResult();
                    try
                    {
                        // Kestrel signals RequestAborted from the thread pool: it follows the refused send shortly.
                        await Task.Delay(Timeout.Infinite, context.Cancellation).WaitAsync(TimeSpan.FromSeconds(10));
                    }
                    catch (OperationCanceledException)
                    {
                        FloodSawCancellation = true;
                    }
                    catch (TimeoutException)
                    {
                    }

                    FloodCancellationChecked.TrySetResult();
                }

                return;
            case "boom":
                throw new InvalidOperationException("boom");
            case "needs_sampling":
                await context.RespondErrorAsync(JsonRpcErrorCode.MissingRequiredClientCapability, "Missing required client capability",
                    new MissingRequiredClientCapabilityErrorData { RequiredCapabilities = new ClientCapabilities { Sampling = JsonDocument.Parse("{}").RootElement } },
                    McpJsonContext.Default.MissingRequiredClientCapabilityErrorData);
                return;
            default:
                await context.RespondErrorAsync(JsonRpcErrorCode.InvalidParams, "Unknown tool: " + p.Name);
                return;
        }
    }

    private static ValueTask Text(McpRequestContext context, string text)
        => context.RespondAsync(new CallToolResult { Content = [new TextContent { Text = text }] }, McpJsonContext.Default.CallToolResult);
}

using System.Collections.Concurrent;
using System.Text.Json;
using Mcp.Raw.Cli.Serve;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Client.Tests;

/// <summary>
/// The client follows a task (the tasks extension, SEP-2663) against the demo's task fixtures: CallToolAsync returns
/// the tool's result whether or not the server made the call a task.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ClientTaskTests
{
    private WebApplication _app = null!;
    private Uri _url = null!;

    [SetUp]
    public async Task SetUp()
    {
        _app = ServeCommand.Build(new ServeOptions("http://127.0.0.1:0", "/mcp", "/sse", Stateless: false, Conformance: true, Quiet: true), o => o.TaskPollInterval = TimeSpan.FromMilliseconds(50));
        await _app.StartAsync();
        _url = new Uri(new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/mcp");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Test]
    public async Task ATaskIsFollowedToItsResult_AndItsStatusIsReported_T12_T13()
    {
        var statuses = new ConcurrentQueue<McpTaskStatus>();
        await using var client = await McpClient.ConnectAsync(_url, new McpClientOptions { ProtocolVersion = McpProtocolVersion.V2026_07_28, TaskStatusHandler = statuses.Enqueue });
        client.Capabilities.Extensions!.Should().ContainKey(McpClient.TasksExtension);

        var result = await client.CallToolAsync("slow_compute", Json("""{"seconds":0.3,"label":"followed"}"""));
        ((TextContent)result.Content[0]).Text.Should().Be("Computed followed after 0.3 s.");
        statuses.Select(s => s.Status).Should().StartWith("working").And.EndWith("completed");
        statuses.Select(s => s.TaskId).Distinct().Should().ContainSingle().Which.Should().MatchRegex("^[0-9a-f]{32}$");
    }

    [Test]
    public async Task InputATaskAsksForIsAnsweredByTheElicitationHandler_T19_T20()
    {
        var asked = new ConcurrentQueue<string>();
        await using var client = await McpClient.ConnectAsync(_url, new McpClientOptions
        {
            ProtocolVersion = McpProtocolVersion.V2026_07_28,
            ElicitationHandler = (request, _) =>
            {
                asked.Enqueue(request.Message);
                return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = Json("true") } });
            },
        });

        var result = await client.CallToolAsync("confirm_delete", Json("""{"filename":"a.txt"}"""));
        ((TextContent)result.Content[0]).Text.Should().Be("Deleted a.txt.");
        asked.Should().Equal("Delete a.txt?");
    }

    [Test]
    public async Task AFailedTaskThrowsItsJsonRpcError_T14()
    {
        await using var client = await McpClient.ConnectAsync(_url, new McpClientOptions { ProtocolVersion = McpProtocolVersion.V2026_07_28 });
        var failure = await FluentActions.Awaiting(() => client.CallToolAsync("protocol_error_job")).Should().ThrowAsync<McpClientException>();
        failure.Which.Code.Should().Be(-32603);
    }

    [Test]
    public async Task CancellingTheCallCancelsTheTaskOnTheServer_T22()
    {
        var created = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await McpClient.ConnectAsync(_url, new McpClientOptions
        {
            ProtocolVersion = McpProtocolVersion.V2026_07_28,
            TaskStatusHandler = s => created.TrySetResult(s.TaskId),
        });
        using var cancel = new CancellationTokenSource();
        var call = client.CallToolAsync("slow_compute", Json("""{"seconds":60}"""), cancellationToken: cancel.Token);
        var taskId = await created.Task.WaitAsync(TestContext.CurrentContext.CancellationToken);
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();

        // The call returns after tasks/cancel was answered: the task is cancelled on the server by then.
        var task = await _app.Services.GetRequiredService<ITaskStore>().GetAsync(taskId);
        task!.State.Should().Be(McpTaskState.Cancelled);
    }

    [Test]
    public async Task ATaskPastTaskTimeout_IsCancelledAndTimesOut()
    {
        var created = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await McpClient.ConnectAsync(_url, new McpClientOptions
        {
            ProtocolVersion = McpProtocolVersion.V2026_07_28,
            TaskTimeout = TimeSpan.FromMilliseconds(300),
            TaskStatusHandler = s => created.TrySetResult(s.TaskId),
        });
        await FluentActions.Awaiting(() => client.CallToolAsync("slow_compute", Json("""{"seconds":60}"""))).Should().ThrowAsync<TimeoutException>();
        var taskId = await created.Task.WaitAsync(TestContext.CurrentContext.CancellationToken);
        (await _app.Services.GetRequiredService<ITaskStore>().GetAsync(taskId))!.State.Should().Be(McpTaskState.Cancelled, "the client cancelled what it stopped following");
    }

    [Test]
    public async Task WithTasksOff_TheCallRunsPlain_T02()
    {
        var statuses = new ConcurrentQueue<McpTaskStatus>();
        await using var client = await McpClient.ConnectAsync(_url, new McpClientOptions { ProtocolVersion = McpProtocolVersion.V2026_07_28, EnableTasks = false, TaskStatusHandler = statuses.Enqueue });
        client.Capabilities.Extensions.Should().BeNull();
        var result = await client.CallToolAsync("slow_compute", Json("""{"seconds":0.1,"label":"plain"}"""));
        ((TextContent)result.Content[0]).Text.Should().Be("Computed plain after 0.1 s.");
        statuses.Should().BeEmpty("no task was made");
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

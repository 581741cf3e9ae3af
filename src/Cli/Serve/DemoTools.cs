using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server;

namespace Mcp.Raw.Cli.Serve;

/// <summary>The demo server's tools: the seed's <c>process_files</c> and the load and cancellation helpers.</summary>
internal static class DemoTools
{
    /// <summary>The demo's tools; with <paramref name="tasks"/>, process_files runs as a task when the client allows it.</summary>
    public static void Register(McpServerBuilder builder, DemoStats stats, bool tasks = false)
    {
        builder.AddTool("process_files", "Processes a list of items; sends a progress notification and an info log for each item as it goes, then a summary."
            + (tasks ? " Runs as a task when the client allows it; each item is then the task's status message." : string.Empty),
            DemoJsonContext.Default.ProcessFilesArgs, async (args, ctx) =>
            {
                var items = args.Items;
                var delay = TimeSpan.FromMilliseconds(Math.Clamp(args.DelayMs ?? 200, 0, 10_000));
                for (var i = 0; i < items.Length; i++)
                {
                    ctx.Cancellation.ThrowIfCancellationRequested();
                    var n = i + 1;
                    var step = string.Create(CultureInfo.InvariantCulture, $"Processing {items[i]} ({n}/{items.Length})");

                    // As a task (T-24) no notification goes out; the step is what tasks/get shows (and the first
                    // await here is where the call becomes a task).
                    await ctx.SetTaskStatusAsync(step);
                    await ctx.ReportProgressAsync(n, items.Length, $"Processing {items[i]}");
                    await ctx.LogInfoAsync(step);
                    await Task.Delay(delay, ctx.Cancellation);
                }

                return McpResults.Text(items.Length == 0 ? "No items to process." : $"Processed {items.Length} items: {string.Join(", ", items)}");
            }, taskSupport: tasks ? McpTaskSupport.Optional : McpTaskSupport.None);

        builder.AddTool("echo", "Returns the text it is given.", DemoJsonContext.Default.EchoArgs,
            (args, _) => ValueTask.FromResult(McpResults.Text(args.Text)));

        builder.AddTool("progress", "For each step sends a progress notification, then a log message \"step i\"; returns \"done\".", DemoJsonContext.Default.ProgressArgs,
            async (args, ctx) =>
            {
                var steps = Math.Clamp(args.Steps, 0, 100_000);
                for (var i = 1; i <= steps; i++)
                {
                    await ctx.ReportProgressAsync(i, steps);
                    await ctx.LogInfoAsync(string.Create(CultureInfo.InvariantCulture, $"step {i}"));
                }

                return McpResults.Text("done");
            });

        builder.AddTool("slow_count", "Counts to count, one tick every delay_ms, with a progress notification per tick; cancellable.", DemoJsonContext.Default.SlowCountArgs,
            async (args, ctx) =>
            {
                var count = Math.Clamp(args.Count ?? 10, 0, 1_000_000);
                var delay = TimeSpan.FromMilliseconds(Math.Clamp(args.DelayMs ?? 100, 0, 60_000));
                stats.Started();
                try
                {
                    for (var i = 1; i <= count; i++)
                    {
                        await Task.Delay(delay, ctx.Cancellation);
                        await ctx.ReportProgressAsync(i, count);
                    }
                }
                catch (OperationCanceledException) when (ctx.Cancellation.IsCancellationRequested)
                {
                    stats.Cancelled();
                    throw;
                }
                catch
                {
                    stats.Failed();
                    throw;
                }

                stats.Completed();
                return McpResults.Text(string.Create(CultureInfo.InvariantCulture, $"counted to {count}"));
            });

        builder.AddTool("slow_count_stats", "Counters of slow_count: started, completed, cancelled and running, as JSON.", DemoJsonContext.Default.EmptyArgs,
            (_, _) =>
            {
                var snapshot = stats.Snapshot();
                var json = System.Text.Json.JsonSerializer.SerializeToElement(snapshot, DemoJsonContext.Default.SlowCountSnapshot);
                return ValueTask.FromResult(new CallToolResult { Content = [new TextContent { Text = json.GetRawText() }], StructuredContent = json });
            });
    }
}

/// <summary>slow_count's counters, so cancellation can be observed from outside (and awaited, in tests).</summary>
internal sealed class DemoStats
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _started;
    private long _completed;
    private long _cancelled;
    private long _failed;

    public void Started() => Changed(ref _started);

    public void Completed() => Changed(ref _completed);

    public void Cancelled() => Changed(ref _cancelled);

    public void Failed() => Changed(ref _failed);

    public SlowCountSnapshot Snapshot()
    {
        var started = Interlocked.Read(ref _started);
        var completed = Interlocked.Read(ref _completed);
        var cancelled = Interlocked.Read(ref _cancelled);
        var failed = Interlocked.Read(ref _failed);
        return new SlowCountSnapshot(started, completed, cancelled, started - completed - cancelled - failed);
    }

    /// <summary>The first snapshot that meets <paramref name="condition"/>, taken when a counter changes.</summary>
    public async Task<SlowCountSnapshot> WaitForAsync(Func<SlowCountSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            var snapshot = Snapshot();
            if (condition(snapshot))
            {
                return snapshot;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Changed(ref long counter)
    {
        Interlocked.Increment(ref counter);
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}

internal sealed record SlowCountSnapshot(
    [property: JsonPropertyName("started")] long Started,
    [property: JsonPropertyName("completed")] long Completed,
    [property: JsonPropertyName("cancelled")] long Cancelled,
    [property: JsonPropertyName("running")] long Running);

internal sealed class ProcessFilesArgs
{
    [Description("The items to process, in order.")]
    [JsonPropertyName("items")]
    [JsonRequired]
    public string[] Items { get; set; } = [];

    [Description("Pause per item in milliseconds (default 200).")]
    [JsonPropertyName("delay_ms")]
    public int? DelayMs { get; set; }
}

internal sealed class EchoArgs
{
    [Description("The text to return.")]
    [JsonPropertyName("text")]
    [JsonRequired]
    public string Text { get; set; } = string.Empty;
}

internal sealed class ProgressArgs
{
    [Description("Number of steps.")]
    [JsonPropertyName("steps")]
    [JsonRequired]
    public int Steps { get; set; }
}

internal sealed class SlowCountArgs
{
    [Description("How far to count (default 10).")]
    [JsonPropertyName("count")]
    public int? Count { get; set; }

    [Description("Milliseconds between ticks (default 100).")]
    [JsonPropertyName("delay_ms")]
    public int? DelayMs { get; set; }
}

internal sealed class EmptyArgs;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProcessFilesArgs))]
[JsonSerializable(typeof(EchoArgs))]
[JsonSerializable(typeof(ProgressArgs))]
[JsonSerializable(typeof(SlowCountArgs))]
[JsonSerializable(typeof(EmptyArgs))]
[JsonSerializable(typeof(SlowCountSnapshot))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;

using System.Globalization;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server;

namespace Mcp.Raw.Cli.Serve;

/// <summary>
/// The tools the tasks extension's scenarios call (../shared/spec/checklist-tasks.md, fixtures): greet, slow_compute,
/// failing_job, protocol_error_job, confirm_delete, multi_input and test_tool_with_task.
/// </summary>
internal static class ConformanceTaskFixtures
{
    private const string NoArgs = """{"type":"object","properties":{}}""";

    public static void Register(McpServerBuilder b)
    {
        b.AddTool("greet", "Greets by name (never a task).", """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""",
            ctx => ValueTask.FromResult(McpResults.Text("Hello, " + ctx.Arguments.GetProperty("name").GetString() + "!")));

        b.AddTool("slow_compute", "Sleeps for seconds, then answers; a task when the client allows it (seconds 0: at once).",
            """{"type":"object","properties":{"seconds":{"type":"number"},"label":{"type":"string"}}}""", async ctx =>
            {
                var seconds = ctx.Arguments.TryGetProperty("seconds", out var s) && s.TryGetDouble(out var value) ? Math.Clamp(value, 0, 600) : 1;
                var label = ctx.Arguments.TryGetProperty("label", out var l) ? l.GetString() : null;
                await Task.Delay(TimeSpan.FromSeconds(seconds), ctx.Cancellation);
                return McpResults.Text(string.Create(CultureInfo.InvariantCulture, $"Computed {label ?? "result"} after {seconds} s."));
            }, taskSupport: McpTaskSupport.Optional);

        b.AddTool("failing_job", "Fails with a tool error after about a second; only as a task.", NoArgs, async ctx =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ctx.Cancellation);
            return McpResults.Error("failing_job failed, as it always does.");
        }, taskSupport: McpTaskSupport.Required);

        b.AddTool("protocol_error_job", "Ends in a JSON-RPC error (the task fails).", NoArgs, async ctx =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ctx.Cancellation);
            throw new McpException(JsonRpcErrorCode.InternalError, "protocol_error_job hit an internal error.");
        }, taskSupport: McpTaskSupport.Optional);

        b.AddTool("confirm_delete", "Asks the user to confirm deleting a file, as a task that waits for the answer.",
            """{"type":"object","properties":{"filename":{"type":"string"}},"required":["filename"]}""", async ctx =>
            {
                var filename = ctx.Arguments.GetProperty("filename").GetString();

                // Yield first: the call becomes a task, and the question makes it input_required (not an MRTR round).
                await Task.Yield();
                var answer = await ctx.ElicitAsync(new ElicitRequestParams
                {
                    Message = $"Delete {filename}?",
                    RequestedSchema = ConformanceFixtures.Json("""{"type":"object","properties":{"confirm":{"type":"boolean"}},"required":["confirm"]}"""),
                }, "confirm");
                var confirmed = answer.Action == "accept" && answer.Content is { } c && c.TryGetValue("confirm", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.True;
                return McpResults.Text(confirmed ? $"Deleted {filename}." : $"Kept {filename}.");
            }, taskSupport: McpTaskSupport.Optional);

        b.AddTool("multi_input", "Asks two questions at once, as a task.", NoArgs, async ctx =>
        {
            await Task.Yield();
            var answers = await ctx.RequestInputsAsync(new Dictionary<string, InputRequest>
            {
                ["first"] = Question("First: your name?"),
                ["second"] = Question("Second: your name?"),
            });
            return McpResults.Text("Answered: " + string.Join(", ", answers.Keys));
        }, taskSupport: McpTaskSupport.Optional);

        b.AddTool("test_tool_with_task", "Asks the user's name in an MRTR round, then works on it as a task.", NoArgs, async ctx =>
        {
            var name = ConformanceFixtures.Field(await ctx.ElicitAsync(ConformanceFixtures.NameQuestion("What is your name?"), "user_name"), "name");
            await Task.Delay(TimeSpan.FromMilliseconds(300), ctx.Cancellation);
            return McpResults.Text("Hello, " + name + ", from a task.");
        }, taskSupport: McpTaskSupport.Required);
    }

    private static InputRequest Question(string message) => new()
    {
        Method = McpMethods.ElicitationCreate,
        Params = System.Text.Json.JsonSerializer.SerializeToElement(new ElicitRequestParams
        {
            Message = message,
            RequestedSchema = ConformanceFixtures.Json("""{"type":"object","properties":{"name":{"type":"string"},"confirm":{"type":"boolean"}}}"""),
        }, McpJsonContext.Default.ElicitRequestParams),
    };
}

using System.Globalization;
using System.Text.Json;
using Mcp.Raw.Server.Tasks;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Tasks;

/// <summary>
/// The tasks extension's results, written field by field (SEP-2663 schema): a flat <c>CreateTaskResult</c>
/// (<c>resultType:"task"</c>, T-07, T-08), a <c>DetailedTask</c> (<c>resultType:"complete"</c>, T-11, T-12), the empty
/// acks of <c>tasks/update</c> and <c>tasks/cancel</c> (T-20, T-22). Never <c>requestState</c>, never the v1
/// <c>ttl</c>/<c>pollInterval</c> names, never a nested <c>task</c> (T-07, T-08, T-16).
/// </summary>
internal static class TaskJson
{
    public static ValueTask RespondCreatedAsync(McpRequestContext context, McpTaskRecord task, JsonElement meta) =>
        context.RespondAsync(static (json, s) =>
        {
            json.WriteStartObject();
            json.WriteString("resultType"u8, "task"u8);
            WriteTask(json, s.task);
            WriteMeta(json, s.meta);
            json.WriteEndObject();
        }, (task, meta));

    public static ValueTask RespondDetailedAsync(McpRequestContext context, McpTaskRecord task, JsonElement meta) =>
        context.RespondAsync(static (json, s) => WriteDetailed(json, s.task, s.meta, asResult: true), (task, meta));

    /// <summary>The DetailedTask alone (the params of <c>notifications/tasks</c>, T-24), as JSON.</summary>
    public static byte[] Detailed(McpTaskRecord task)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + task.Result.Length + task.Error.Length + task.InputRequests.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteDetailed(json, task, default, asResult: false);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteDetailed(Utf8JsonWriter json, McpTaskRecord task, JsonElement meta, bool asResult)
    {
        json.WriteStartObject();
        if (asResult)
        {
            json.WriteString("resultType"u8, "complete"u8);
        }

        WriteTask(json, task);
        switch (task.State)
        {
            case McpTaskState.InputRequired when !task.InputRequests.IsEmpty:
                json.WritePropertyName("inputRequests"u8);
                json.WriteRawValue(task.InputRequests.Span, skipInputValidation: true);
                break;
            case McpTaskState.Completed when !task.Result.IsEmpty:
                json.WritePropertyName("result"u8);
                json.WriteRawValue(task.Result.Span, skipInputValidation: true);
                break;
            case McpTaskState.Failed when !task.Error.IsEmpty:
                json.WritePropertyName("error"u8);
                json.WriteRawValue(task.Error.Span, skipInputValidation: true);
                break;
        }

        WriteMeta(json, meta);
        json.WriteEndObject();
    }

    public static ValueTask RespondAckAsync(McpRequestContext context, JsonElement meta) =>
        context.RespondAsync(static (json, m) =>
        {
            json.WriteStartObject();
            json.WriteString("resultType"u8, "complete"u8);
            WriteMeta(json, m);
            json.WriteEndObject();
        }, meta);

    private static void WriteTask(Utf8JsonWriter json, McpTaskRecord task)
    {
        json.WriteString("taskId"u8, task.TaskId);
        json.WriteString("status"u8, task.State.ToWire());
        if (task.StatusMessage is { } message)
        {
            json.WriteString("statusMessage"u8, message);
        }

        json.WriteString("createdAt"u8, Iso8601(task.CreatedAt));
        json.WriteString("lastUpdatedAt"u8, Iso8601(task.LastUpdatedAt));
        if (task.TtlMs is { } ttl)
        {
            json.WriteNumber("ttlMs"u8, ttl);
        }
        else
        {
            json.WriteNull("ttlMs"u8);
        }

        if (task.PollIntervalMs is { } poll)
        {
            json.WriteNumber("pollIntervalMs"u8, poll);
        }
    }

    private static void WriteMeta(Utf8JsonWriter json, JsonElement meta)
    {
        if (meta.ValueKind == JsonValueKind.Object)
        {
            json.WritePropertyName("_meta"u8);
            meta.WriteTo(json);
        }
    }

    private static string Iso8601(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

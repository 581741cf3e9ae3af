using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Server.Tasks;

namespace Mcp.Raw.Redis;

/// <summary>A task as Redis keeps it: one JSON value, its payloads (input requests, result, error) as raw JSON.</summary>
internal static class RedisTaskRecord
{
    public static byte[] Serialize(McpTaskRecord task)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + task.Result.Length + task.InputRequests.Length + task.Error.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", task.TaskId);
            json.WriteString("o", task.Owner);
            json.WriteString("t", task.ToolName);
            json.WriteNumber("s", (int)task.State);
            json.WriteString("m", task.StatusMessage);
            json.WriteNumber("c", task.CreatedAt.ToUnixTimeMilliseconds());
            json.WriteNumber("u", task.LastUpdatedAt.ToUnixTimeMilliseconds());
            WriteNumber(json, "ttl", task.TtlMs);
            WriteNumber(json, "p", task.PollIntervalMs);
            WriteRaw(json, "in", task.InputRequests);
            WriteRaw(json, "r", task.Result);
            WriteRaw(json, "e", task.Error);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static McpTaskRecord? Parse(byte[] value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            return new McpTaskRecord
            {
                TaskId = root.GetProperty("id").GetString()!,
                Owner = root.GetProperty("o").GetString(),
                ToolName = root.GetProperty("t").GetString()!,
                State = (McpTaskState)root.GetProperty("s").GetInt32(),
                StatusMessage = root.GetProperty("m").GetString(),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("c").GetInt64()),
                LastUpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("u").GetInt64()),
                TtlMs = root.TryGetProperty("ttl", out var ttl) ? ttl.GetInt64() : null,
                PollIntervalMs = root.TryGetProperty("p", out var poll) ? poll.GetInt64() : null,
                InputRequests = Raw(root, "in"),
                Result = Raw(root, "r"),
                Error = Raw(root, "e"),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    private static void WriteRaw(Utf8JsonWriter json, string name, ReadOnlyMemory<byte> value)
    {
        if (!value.IsEmpty)
        {
            json.WritePropertyName(name);
            json.WriteRawValue(value.Span, skipInputValidation: true);
        }
    }

    private static ReadOnlyMemory<byte> Raw(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? System.Text.Encoding.UTF8.GetBytes(value.GetRawText()) : default;
}

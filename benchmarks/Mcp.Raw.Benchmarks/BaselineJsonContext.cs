using System.Text.Json;
using System.Text.Json.Serialization;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Benchmarks;

/// <summary>The envelope a straightforward JsonSerializer-based server would use.</summary>
public sealed class BaselineRequest
{
    [JsonPropertyName("jsonrpc")]
    public string? JsonRpc { get; set; }

    [JsonPropertyName("id")]
    public JsonElement Id { get; set; }

    [JsonPropertyName("method")]
    public string? Method { get; set; }

    [JsonPropertyName("params")]
    public JsonElement Params { get; set; }
}

public sealed class BaselineNotification
{
    [JsonPropertyName("jsonrpc")]
    public string JsonRpc { get; set; } = "2.0";

    [JsonPropertyName("method")]
    public string Method { get; set; } = "notifications/progress";

    [JsonPropertyName("params")]
    public ProgressNotificationParams? Params { get; set; }
}

public sealed class BaselineResponse
{
    [JsonPropertyName("jsonrpc")]
    public string JsonRpc { get; set; } = "2.0";

    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("result")]
    public CallToolResult? Result { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BaselineRequest))]
[JsonSerializable(typeof(BaselineNotification))]
[JsonSerializable(typeof(BaselineResponse))]
public sealed partial class BaselineJsonContext : JsonSerializerContext;

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mcp.Raw.Server;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class McpServerJsonContext : JsonSerializerContext;

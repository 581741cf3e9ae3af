using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>Reads and writes a <see cref="ProgressToken"/> as a JSON string or integer.</summary>
public sealed class ProgressTokenJsonConverter : JsonConverter<ProgressToken>
{
    /// <inheritdoc />
    public override ProgressToken Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => RequestId.TryRead(ref reader, out var id) ? new ProgressToken(id) : throw new JsonException("A progress token must be a string or an integer.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ProgressToken value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        value.WriteTo(writer);
    }
}

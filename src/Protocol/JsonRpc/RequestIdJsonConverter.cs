using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>Reads and writes a <see cref="RequestId"/> as a JSON string or integer.</summary>
public sealed class RequestIdJsonConverter : JsonConverter<RequestId>
{
    /// <inheritdoc />
    public override RequestId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => RequestId.TryRead(ref reader, out var id) ? id : throw new JsonException(Strings.InvalidId);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RequestId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        value.WriteTo(writer);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// Reads and writes <see cref="LoggingLevel"/> as its wire name only (UT-17): a number or an unknown name is a
/// <see cref="JsonException"/>, never a level (the stock enum converter accepts integers such as <c>42</c>).
/// </summary>
public sealed class LoggingLevelConverter : JsonConverter<LoggingLevel>
{
    /// <inheritdoc/>
    public override LoggingLevel Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && LoggingLevels.TryParse(reader.GetString(), out var level))
        {
            return level;
        }

        throw new JsonException("A logging level is one of the strings debug, info, notice, warning, error, critical, alert, emergency.");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, LoggingLevel value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToUtf8());
    }
}

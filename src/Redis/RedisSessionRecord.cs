using System.Buffers;
using System.Text;
using System.Text.Json;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport.Sessions;

namespace Mcp.Raw.Redis;

/// <summary>
/// A session as Redis keeps it: one string value, <c>{n}:{quotaKey}{m}:{tag}{json}</c> (n and m the UTF-8 byte
/// lengths, since a principal's key may hold any character). The two length-prefixed fields are for the scripts (the
/// owner's quota set and the tag's key, found without parsing JSON); the JSON holds what another node needs to serve
/// the session: the owner, the versions, the lifecycle flags, the client's capabilities and info.
/// </summary>
internal readonly record struct RedisSessionRecord(
    string Tag,
    SessionOwner Owner,
    McpProtocolVersion TransportVersion,
    McpProtocolVersion Version,
    bool HttpSse2024,
    bool Initialized,
    bool ClientReady,
    ClientCapabilities? Capabilities,
    Implementation? ClientInfo)
{
    public static RedisSessionRecord Of(McpSession session, McpProtocolVersion transportVersion) => new(
        session.Tag, session.Owner, transportVersion, session.ProtocolVersion, session.IsHttpSse2024,
        session.IsInitialized, session.ClientReady, session.ClientCapabilities, session.ClientInfo);

    public byte[] Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteField(buffer, QuotaKey(Owner, HttpSse2024));
        WriteField(buffer, Tag);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteNullable(json, "p", Owner.Principal);
            WriteNullable(json, "a", Owner.RemoteAddress);
            json.WriteString("e", Owner.Endpoint);
            json.WriteNumber("tv", (int)TransportVersion);
            json.WriteNumber("v", (int)Version);
            json.WriteBoolean("h", HttpSse2024);
            json.WriteBoolean("i", Initialized);
            json.WriteBoolean("r", ClientReady);
            if (Capabilities is not null)
            {
                json.WritePropertyName("c");
                JsonSerializer.Serialize(json, Capabilities, McpJsonContext.Default.ClientCapabilities);
            }

            if (ClientInfo is not null)
            {
                json.WritePropertyName("ci");
                JsonSerializer.Serialize(json, ClientInfo, McpJsonContext.Default.Implementation);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a record; false when the value is not one (written by something else under our prefix).</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out RedisSessionRecord record)
    {
        record = default;
        if (!TryReadField(ref value, out _) || !TryReadField(ref value, out var tagBytes))
        {
            return false;
        }

        var tag = Encoding.UTF8.GetString(tagBytes);
        var rest = value;
        try
        {
            using var document = JsonDocument.Parse(rest.ToArray());
            var root = document.RootElement;
            var owner = new SessionOwner(
                root.TryGetProperty("p", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
                root.TryGetProperty("a", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null,
                root.GetProperty("e").GetString() ?? string.Empty);
            record = new RedisSessionRecord(
                tag,
                owner,
                (McpProtocolVersion)root.GetProperty("tv").GetInt32(),
                (McpProtocolVersion)root.GetProperty("v").GetInt32(),
                root.GetProperty("h").GetBoolean(),
                root.GetProperty("i").GetBoolean(),
                root.GetProperty("r").GetBoolean(),
                root.TryGetProperty("c", out var c) ? c.Deserialize(McpJsonContext.Default.ClientCapabilities) : null,
                root.TryGetProperty("ci", out var ci) ? ci.Deserialize(McpJsonContext.Default.Implementation) : null);
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// The key a session's quota counts under: 2024-11-05 connections apart from 2025 sessions (as in the in-memory
    /// store). The create script and the record's header use this one key.
    /// </summary>
    public static string QuotaKey(SessionOwner owner, bool httpSse2024) => httpSse2024 ? owner.QuotaKey + "|2024-11-05" : owner.QuotaKey;

    private static void WriteField(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":", buffer);
        Encoding.UTF8.GetBytes(value, buffer);
    }

    private static bool TryReadField(ref ReadOnlySpan<byte> value, out ReadOnlySpan<byte> field)
    {
        field = default;
        var colon = value.IndexOf((byte)':');
        if (colon <= 0 || !int.TryParse(value[..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) || length > value.Length - colon - 1)
        {
            return false;
        }

        field = value.Slice(colon + 1, length);
        value = value[(colon + 1 + length)..];
        return true;
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}

using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mcp.Raw.Transport;

namespace Mcp.Raw.Server;

/// <summary>
/// Seals and opens the MRTR <c>requestState</c> (M-MR-11, M-MR-12): a Base64Url payload and an HMAC-SHA256 over it.
/// The payload binds the method, the tool or prompt name, a digest of the arguments, the caller (when authenticated)
/// and an expiry, and carries the answers gathered in earlier rounds, so a retry needs nothing kept on the server.
/// </summary>
internal sealed class RequestStateProtector
{
    private const string SharedPrefix = "k.";

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly IMcpStateProtector? _shared;

    /// <param name="key">The HMAC key (<see cref="McpServerOptions.RequestStateKey"/>), or null for a random one.</param>
    /// <param name="time">The clock of the expiry.</param>
    /// <param name="shared">A deployment's key ring: when given, states are protected with it instead of the key.</param>
    public RequestStateProtector(byte[]? key, TimeProvider time, IMcpStateProtector? shared = null)
    {
        _shared = shared;
        if (key is { Length: < 32 })
        {
            throw new ArgumentException("The request state key needs at least 32 bytes.", nameof(key));
        }

        _key = key ?? RandomNumberGenerator.GetBytes(32);
        _time = time;
    }

    /// <summary>What a verified state says.</summary>
    internal sealed record Contents(string Method, string Name, string ArgumentsDigest, string? Principal, long ExpiresAtMs, Dictionary<string, JsonElement> Answers, JsonElement? ToolState);

    public string Seal(string method, string name, string argumentsDigest, string? principal, TimeSpan lifetime, IReadOnlyDictionary<string, JsonElement> answers, JsonElement? toolState)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v"u8, 1);

            // A nonce: every state is distinct, even for identical requests in the same millisecond (M-MR-09).
            Span<byte> nonce = stackalloc byte[12];
            RandomNumberGenerator.Fill(nonce);
            json.WriteBase64String("r"u8, nonce);
            json.WriteNumber("exp"u8, _time.GetUtcNow().Add(lifetime).ToUnixTimeMilliseconds());
            json.WriteString("m"u8, method);
            json.WriteString("n"u8, name);
            json.WriteString("d"u8, argumentsDigest);
            if (principal is not null)
            {
                json.WriteString("u"u8, principal);
            }

            json.WritePropertyName("a"u8);
            json.WriteStartObject();
            foreach (var (key, value) in answers)
            {
                json.WritePropertyName(key);
                value.WriteTo(json);
            }

            json.WriteEndObject();
            if (toolState is { } state)
            {
                json.WritePropertyName("s"u8);
                state.WriteTo(json);
            }

            json.WriteEndObject();
        }

        if (_shared is not null)
        {
            return SharedPrefix + Base64Url.EncodeToString(_shared.Protect(buffer.WrittenSpan.ToArray()));
        }

        var payload = buffer.WrittenSpan;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, mac);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>Opens a state; null with a reason when it fails verification or has expired.</summary>
    public Contents? Open(string state, out string? error)
    {
        if (_shared is not null)
        {
            return OpenShared(state, out error);
        }

        var dot = state.LastIndexOf('.');
        byte[] payload;
        byte[] mac;
        try
        {
            if (dot <= 0)
            {
                error = "requestState is not a state this server issued.";
                return null;
            }

            payload = Base64Url.DecodeFromChars(state.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(state.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            error = "requestState failed its integrity check.";
            return null;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            error = "requestState failed its integrity check.";
            return null;
        }

        return Read(payload, out error);
    }

    /// <summary>A state protected with the deployment's key ring: <c>k.</c> and the protected payload.</summary>
    private Contents? OpenShared(string state, out string? error)
    {
        byte[]? payload = null;
        if (state.StartsWith(SharedPrefix, StringComparison.Ordinal))
        {
            try
            {
                payload = _shared!.Unprotect(Base64Url.DecodeFromChars(state.AsSpan(SharedPrefix.Length)));
            }
            catch (FormatException)
            {
                payload = null;
            }
        }

        if (payload is null)
        {
            error = "requestState failed its integrity check.";
            return null;
        }

        return Read(payload, out error);
    }

    private Contents? Read(byte[] payload, out string? error)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var expires = root.GetProperty("exp").GetInt64();
        if (_time.GetUtcNow().ToUnixTimeMilliseconds() > expires)
        {
            error = "requestState has expired; call again without it.";
            return null;
        }

        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var answer in root.GetProperty("a").EnumerateObject())
        {
            answers[answer.Name] = answer.Value.Clone();
        }

        error = null;
        return new Contents(
            root.GetProperty("m").GetString()!,
            root.GetProperty("n").GetString()!,
            root.GetProperty("d").GetString()!,
            root.TryGetProperty("u", out var u) ? u.GetString() : null,
            expires,
            answers,
            root.TryGetProperty("s", out var s) ? s.Clone() : null);
    }

    /// <summary>A digest of the arguments as sent (compact form), so a state cannot be replayed against other arguments.</summary>
    public static string DigestArguments(JsonElement arguments)
    {
        if (arguments.ValueKind == JsonValueKind.Undefined)
        {
            return string.Empty;
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            arguments.WriteTo(json);
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }

    /// <summary>A stable, non-reversible name for the caller, when authenticated.</summary>
    public static string? DigestPrincipal(System.Security.Claims.ClaimsPrincipal user)
    {
        var id = user.FindFirst("sub")?.Value ?? user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name;
        if (user.Identity?.IsAuthenticated != true || id is null)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}

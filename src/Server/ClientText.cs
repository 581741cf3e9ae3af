namespace Mcp.Raw.Server;

/// <summary>Client-supplied text echoed in an error message: cut to a bounded length, control characters removed.</summary>
internal static class ClientText
{
    /// <summary>The most characters of a client's value an error message repeats.</summary>
    public const int MaxEchoLength = 64;

    public static string Clip(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var length = Math.Min(value.Length, MaxEchoLength);
        var clean = string.Create(length, value, static (span, v) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(v[i]) ? '?' : v[i];
            }
        });
        return value.Length > MaxEchoLength ? clean + "..." : clean;
    }
}

/// <summary>What a <see cref="System.Text.Json.JsonException"/> says, in words for the client: no .NET type names.</summary>
internal static class JsonErrorText
{
    public static string Describe(System.Text.Json.JsonException e)
    {
        const string missing = "missing required properties including: ";
        var at = e.Message.IndexOf(missing, StringComparison.Ordinal);
        if (at >= 0)
        {
            return "missing required properties: " + ClientText.Clip(e.Message[(at + missing.Length)..].TrimEnd('.'));
        }

        return e.Path is { Length: > 0 } path
            ? "the value at " + ClientText.Clip(path) + " is missing or has the wrong type"
            : "the JSON does not have the expected shape";
    }
}

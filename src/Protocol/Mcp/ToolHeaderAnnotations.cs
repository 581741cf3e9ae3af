using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// Reads and checks <c>x-mcp-header</c> annotations (2026-07-28): the schema rules a server must follow and a client
/// must check before calling a tool (M-SV-06, M-CL-04), the header values a client sends (M-CL-02), and the
/// server-side comparison of headers with arguments (M-SV-07, M-TR-12).
/// </summary>
public static class ToolHeaderAnnotations
{
    /// <summary>The annotation keyword.</summary>
    public const string Keyword = "x-mcp-header";

    /// <summary>
    /// Extracts the annotations of an input schema. Returns false with a reason when an annotation breaks a rule:
    /// empty, not an RFC 9110 token, duplicated (case-insensitively), on a type other than <c>string</c>,
    /// <c>integer</c> or <c>boolean</c>, or placed anywhere but on a property reached purely through
    /// <c>properties</c> from the root (not under <c>items</c>, composition, conditionals or <c>$ref</c>).
    /// </summary>
    public static bool TryGetAnnotations(JsonElement inputSchema, out IReadOnlyList<ToolHeaderAnnotation> annotations, [NotNullWhen(false)] out string? error)
    {
        var found = new List<ToolHeaderAnnotation>();
        annotations = found;
        error = null;
        if (inputSchema.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var path = new List<string>();
        if (!Walk(inputSchema, onPropertyPath: true, isRoot: true, path, found, ref error))
        {
            annotations = [];
            error ??= "invalid x-mcp-header annotation";
            return false;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in found)
        {
            if (!seen.Add(a.HeaderSuffix))
            {
                annotations = [];
                error = $"the header name '{a.HeaderSuffix}' is used by more than one property";
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The headers a client sends for a <c>tools/call</c> (M-CL-02): one per annotated argument that is present and
    /// not null, stringified (integers in decimal, booleans as <c>true</c>/<c>false</c>) and encoded (M-CL-03).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> GetHeaderValues(IReadOnlyList<ToolHeaderAnnotation> annotations, JsonElement? arguments)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        foreach (var a in annotations)
        {
            if (TryGetArgument(arguments, a.Path, out var value) && TryStringify(value, out var text))
            {
                yield return new(a.HeaderName, McpHeaderValue.Encode(text));
            }
        }
    }

    /// <summary>
    /// Checks the <c>Mcp-Param-*</c> headers of a request against its raw <c>arguments</c> object (empty when the call
    /// has none) (M-SV-07): an argument present and not null needs its header, equal after decoding (integers
    /// compared as numbers, M-TR-12); an absent or null argument needs none. Returns false with a reason for a
    /// HeaderMismatch (-32020). Reads the arguments' bytes with no DOM.
    /// </summary>
    public static bool TryVerify(IReadOnlyList<ToolHeaderAnnotation> annotations, ReadOnlySequence<byte> arguments, Func<string, string?> getHeader, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(getHeader);
        error = null;
        foreach (var a in annotations)
        {
            var header = getHeader(a.HeaderName);
            if (!TryFindArgument(arguments, a.Path, out var value))
            {
                if (header is not null && !McpHeaderValue.TryDecode(header, out _))
                {
                    error = $"the header {a.HeaderName} has an invalid value";
                    return false;
                }

                continue;
            }

            if (header is null)
            {
                error = $"the header {a.HeaderName} is missing";
                return false;
            }

            if (!McpHeaderValue.TryDecode(header, out var decoded))
            {
                error = $"the header {a.HeaderName} has an invalid value";
                return false;
            }

            if (!Matches(ref value, decoded))
            {
                error = $"the header {a.HeaderName} does not match the argument";
                return false;
            }
        }

        return true;
    }

    private static bool Matches(ref Utf8JsonReader value, string header)
    {
        switch (value.TokenType)
        {
            case JsonTokenType.String:
                return value.ValueTextEquals(header);
            case JsonTokenType.True:
                return header == "true";
            case JsonTokenType.False:
                return header == "false";
            case JsonTokenType.Number:
                return decimal.TryParse(header, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var h)
                    && value.TryGetDecimal(out var v) && h == v;
            default:
                return false;
        }
    }

    /// <summary>
    /// Finds the value at <paramref name="path"/> in a raw arguments object, the reader left on it; false when absent
    /// or null. Of a repeated member the last one counts, as in a DOM.
    /// </summary>
    private static bool TryFindArgument(ReadOnlySequence<byte> arguments, IReadOnlyList<string> path, out Utf8JsonReader value)
    {
        value = new Utf8JsonReader(arguments);
        if (arguments.IsEmpty || !value.Read() || value.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        foreach (var name in path)
        {
            if (value.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            // The reader is a struct: a copy taken at a match is the position to go on from.
            var found = false;
            var match = value;
            while (value.Read() && value.TokenType == JsonTokenType.PropertyName)
            {
                var isMatch = value.ValueTextEquals(name);
                value.Read();
                if (isMatch)
                {
                    match = value;
                    found = true;
                }

                value.Skip();
            }

            if (!found)
            {
                return false;
            }

            value = match;
        }

        return value.TokenType != JsonTokenType.Null;
    }

    private static bool TryStringify(JsonElement value, [NotNullWhen(true)] out string? text)
    {
        text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : value.GetRawText(),
            _ => null,
        };
        return text is not null;
    }

    private static bool TryGetArgument(JsonElement? arguments, IReadOnlyList<string> path, out JsonElement value)
    {
        value = default;
        if (arguments is not { ValueKind: JsonValueKind.Object } current)
        {
            return false;
        }

        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return false;
            }
        }

        value = current;
        return value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
    }

    private static bool Walk(JsonElement schema, bool onPropertyPath, bool isRoot, List<string> path, List<ToolHeaderAnnotation> found, ref string? error)
    {
        foreach (var member in schema.EnumerateObject())
        {
            if (member.NameEquals(Keyword))
            {
                if (!onPropertyPath || isRoot)
                {
                    error = "x-mcp-header is only allowed on properties reached through 'properties' from the root";
                    return false;
                }

                if (!TryReadAnnotation(schema, member.Value, path, found, ref error))
                {
                    return false;
                }

                continue;
            }

            if (member.NameEquals("properties") && onPropertyPath && member.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in member.Value.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    path.Add(property.Name);
                    var ok = Walk(property.Value, onPropertyPath: true, isRoot: false, path, found, ref error);
                    path.RemoveAt(path.Count - 1);
                    if (!ok)
                    {
                        return false;
                    }
                }

                continue;
            }

            // Anywhere else (items, oneOf, $defs, if/then/else, ...) an annotation is not allowed: look for one.
            if (!Forbid(member.Value, ref error))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Forbid(JsonElement element, ref string? error)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    if (member.NameEquals(Keyword))
                    {
                        error = "x-mcp-header is only allowed on properties reached through 'properties' from the root";
                        return false;
                    }

                    if (!Forbid(member.Value, ref error))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!Forbid(item, ref error))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static bool TryReadAnnotation(JsonElement propertySchema, JsonElement annotation, List<string> path, List<ToolHeaderAnnotation> found, ref string? error)
    {
        var name = string.Join('.', path);
        if (annotation.ValueKind != JsonValueKind.String)
        {
            error = $"x-mcp-header of '{name}' must be a string";
            return false;
        }

        var suffix = annotation.GetString()!;
        if (suffix.Length == 0 || !IsToken(suffix))
        {
            error = $"x-mcp-header of '{name}' must be a non-empty HTTP token";
            return false;
        }

        if (!propertySchema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || type.GetString() is not ("string" or "integer" or "boolean"))
        {
            error = $"x-mcp-header of '{name}' is only allowed on a string, integer or boolean property";
            return false;
        }

        found.Add(new ToolHeaderAnnotation(path.ToArray(), suffix, type.GetString()!));
        return true;
    }

    // RFC 9110 token: 1*tchar.
    private static bool IsToken(string value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}

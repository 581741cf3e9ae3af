using System.Globalization;
using System.Text.Json;

namespace Mcp.Raw.Server;

/// <summary>
/// Checks a tool's arguments against its input schema before the handler runs, so a handler never sees a wrong type,
/// a missing required property or a <c>null</c> where the schema does not allow one. Compiled once per tool from the
/// schema; the keywords checked are <c>type</c> (one or a list, <c>integer</c> included), <c>properties</c>,
/// <c>required</c>, <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>const</c>, <c>minimum</c>,
/// <c>maximum</c>, <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>, <c>minLength</c>, <c>maxLength</c>,
/// <c>minItems</c>, <c>maxItems</c>, <c>allOf</c>, <c>anyOf</c>, <c>oneOf</c> and local <c>$ref</c>s
/// (<c>#/$defs/…</c>, <c>#/definitions/…</c>). Other keywords are not checked (the handler's own binding still is).
/// </summary>
internal sealed class ToolArgumentValidator
{
    private const int MaxDepth = 32;
    private readonly JsonElement _root;

    private ToolArgumentValidator(JsonElement root) => _root = root;

    public static ToolArgumentValidator Create(JsonElement schema) => new(schema);

    /// <summary>Null when the arguments are valid; otherwise what is wrong, with the path of the first problem.</summary>
    public string? Validate(JsonElement arguments) => Check(arguments, _root, "arguments", 0);

    private string? Check(JsonElement value, JsonElement schema, string path, int depth)
    {
        if (depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String && Resolve(reference.GetString()!) is { } target)
        {
            if (Check(value, target, path, depth + 1) is { } error)
            {
                return error;
            }
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(value, type))
        {
            return $"{path} must be {Describe(type)}, not {Kind(value)}";
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(value, constant))
        {
            return $"{path} must be {Clip(constant.GetRawText())}";
        }

        if (schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array && !choices.EnumerateArray().Any(c => JsonElement.DeepEquals(value, c)))
        {
            return $"{path} must be one of {Clip(choices.GetRawText())}";
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object when CheckObject(value, schema, path, depth) is { } error:
                return error;
            case JsonValueKind.Array when CheckArray(value, schema, path, depth) is { } error:
                return error;
            case JsonValueKind.String when CheckString(value, schema, path) is { } error:
                return error;
            case JsonValueKind.Number when CheckNumber(value, schema, path) is { } error:
                return error;
        }

        if (schema.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var branch in allOf.EnumerateArray())
            {
                if (Check(value, branch, path, depth + 1) is { } error)
                {
                    return error;
                }
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array
            && !anyOf.EnumerateArray().Any(branch => Check(value, branch, path, depth + 1) is null))
        {
            return $"{path} matches none of the allowed forms (anyOf)";
        }

        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array
            && oneOf.EnumerateArray().Count(branch => Check(value, branch, path, depth + 1) is null) != 1)
        {
            return $"{path} must match exactly one of the allowed forms (oneOf)";
        }

        return null;
    }

    private string? CheckObject(JsonElement value, JsonElement schema, string path, int depth)
    {
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && !value.TryGetProperty(name.GetString()!, out _))
                {
                    return $"{path}.{Clip(name.GetString())} is required";
                }
            }
        }

        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in value.EnumerateObject())
        {
            var childPath = path + "." + Clip(property.Name);
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                if (Check(property.Value, propertySchema, childPath, depth + 1) is { } error)
                {
                    return error;
                }
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                return $"{childPath} is not allowed";
            }
            else if (additional.ValueKind == JsonValueKind.Object && Check(property.Value, additional, childPath, depth + 1) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private string? CheckArray(JsonElement value, JsonElement schema, string path, int depth)
    {
        var count = value.GetArrayLength();
        if (Int(schema, "minItems") is { } min && count < min)
        {
            return $"{path} needs at least {min} items";
        }

        if (Int(schema, "maxItems") is { } max && count > max)
        {
            return $"{path} allows at most {max} items";
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Check(item, items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", depth + 1) is { } error)
                {
                    return error;
                }

                i++;
            }
        }

        return null;
    }

    private static string? CheckString(JsonElement value, JsonElement schema, string path)
    {
        var length = value.GetString()!.Length;
        if (Int(schema, "minLength") is { } min && length < min)
        {
            return $"{path} needs at least {min} characters";
        }

        return Int(schema, "maxLength") is { } max && length > max ? $"{path} allows at most {max} characters" : null;
    }

    private static string? CheckNumber(JsonElement value, JsonElement schema, string path)
    {
        var n = value.GetDouble();
        if (Number(schema, "minimum") is { } min && n < min)
        {
            return $"{path} must be at least {min.ToString(CultureInfo.InvariantCulture)}";
        }

        if (Number(schema, "maximum") is { } max && n > max)
        {
            return $"{path} must be at most {max.ToString(CultureInfo.InvariantCulture)}";
        }

        if (Number(schema, "exclusiveMinimum") is { } exMin && n <= exMin)
        {
            return $"{path} must be greater than {exMin.ToString(CultureInfo.InvariantCulture)}";
        }

        return Number(schema, "exclusiveMaximum") is { } exMax && n >= exMax ? $"{path} must be less than {exMax.ToString(CultureInfo.InvariantCulture)}" : null;
    }

    private JsonElement? Resolve(string reference)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["#/$defs/", "#/definitions/"])
        {
            if (reference.StartsWith(prefix, StringComparison.Ordinal)
                && _root.TryGetProperty(prefix[2..^1], out var defs) && defs.ValueKind == JsonValueKind.Object
                && defs.TryGetProperty(reference[prefix.Length..], out var target))
            {
                return target;
            }
        }

        return reference == "#" ? _root : null;
    }

    private static bool MatchesType(JsonElement value, JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => Matches(value, type.GetString()!),
        JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && Matches(value, t.GetString()!)),
        _ => true,
    };

    private static bool Matches(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && Math.Floor(d) == d && !double.IsInfinity(d),
        _ => true,
    };

    private static string Describe(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? string.Join(" or ", type.EnumerateArray().Select(t => Article(t.GetString() ?? "?")))
        : Article(type.GetString() ?? "?");

    private static string Article(string type) => type switch
    {
        "object" or "array" or "integer" => "an " + type,
        "null" => "null",
        _ => "a " + type,
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    private static int? Int(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static double? Number(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static string Clip(string? text) => ClientText.Clip(text);
}

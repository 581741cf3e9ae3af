using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mcp.Raw.Server;

/// <summary>
/// Checks a tool's arguments against its input schema before the handler runs (SV-10, M-SV-08), so a handler never
/// sees a wrong type, a missing required property or a <c>null</c> the schema does not allow. The schema is compiled
/// once per tool; the arguments are checked in one forward pass of a <see cref="Utf8JsonReader"/> over the request's
/// bytes, with no DOM and no allocation unless something is wrong (or an <c>enum</c>/<c>const</c> of objects must be
/// compared). Keywords checked: <c>type</c> (one or a list, <c>integer</c> included), <c>properties</c>,
/// <c>required</c>, <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>const</c>, <c>minimum</c>,
/// <c>maximum</c>, <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>, <c>minLength</c>, <c>maxLength</c>,
/// <c>minItems</c>, <c>maxItems</c>, <c>allOf</c>, <c>anyOf</c>, <c>oneOf</c> and local <c>$ref</c>s
/// (<c>#</c>, <c>#/$defs/…</c>, <c>#/definitions/…</c>, recursive ones included). Others are not checked.
/// </summary>
internal sealed class ToolArgumentValidator
{
    private const int MaxDepth = 64;
    private readonly Node _root;

    private ToolArgumentValidator(Node root) => _root = root;

    public static ToolArgumentValidator Create(JsonElement schema)
    {
        var compiler = new Compiler(schema);
        return new ToolArgumentValidator(compiler.Compile(schema, 0));
    }

    /// <summary>Null when the arguments (a JSON object, or none) are valid; otherwise what is wrong, naming where.</summary>
    public string? Validate(ReadOnlySequence<byte> arguments)
    {
        if (arguments.IsEmpty)
        {
            return Validate(ReadOnlySpan<byte>.Empty);
        }

        var reader = new Utf8JsonReader(arguments, s_options);
        return Validate(ref reader);
    }

    /// <summary>The same, over one span (the DOM's own bytes on the MRTR path).</summary>
    public string? Validate(ReadOnlySpan<byte> arguments)
    {
        var reader = new Utf8JsonReader(arguments.IsEmpty ? "{}"u8 : arguments, s_options);
        return Validate(ref reader);
    }

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 256 };

    private string? Validate(ref Utf8JsonReader reader) =>
        reader.Read() && Check(ref reader, _root, 0) is { } failure ? failure.Describe() : null;

    /// <summary>Checks the value the reader is on and leaves the reader on its last token.</summary>
    private static Failure? Check(ref Utf8JsonReader reader, Node node, int depth)
    {
        if (node.IsEmpty || depth > MaxDepth)
        {
            reader.Skip();
            return null;
        }

        var kind = KindOf(ref reader);
        // A failure ends the whole check, so the reader is left wherever it stands then.
        if ((node.Types & kind) == 0)
        {
            return Failure.Of($"must be {node.TypeText}, not {Describe(kind)}");
        }

        // Keywords that need the whole value read again run on copies of the reader.
        if (node.Ref is { } reference && Branch(reader, reference.Target!, depth) is { } referenced)
        {
            return referenced;
        }

        if (node.AllOf is { } allOf)
        {
            foreach (var branch in allOf)
            {
                if (Branch(reader, branch, depth) is { } failure)
                {
                    return failure;
                }
            }
        }

        if (node.AnyOf is { } anyOf && Passing(reader, anyOf, depth, stopAt: 1) == 0)
        {
            return Failure.Of("matches none of the allowed forms (anyOf)");
        }

        if (node.OneOf is { } oneOf && Passing(reader, oneOf, depth, stopAt: 2) != 1)
        {
            return Failure.Of("must match exactly one of the allowed forms (oneOf)");
        }

        if (node.Choices is { } choices && !Matches(ref reader, choices, node.StringChoices))
        {
            return Failure.Of(node.ChoicesText!);
        }

        return kind switch
        {
            Kinds.Object => CheckObject(ref reader, node, depth),
            Kinds.Array => CheckArray(ref reader, node, depth),
            Kinds.String => CheckString(ref reader, node),
            Kinds.Number or Kinds.Integer => CheckNumber(ref reader, node),
            _ => null,
        };
    }

    private static Failure? Branch(Utf8JsonReader copy, Node node, int depth) => Check(ref copy, node, depth + 1);

    /// <summary>How many of <paramref name="branches"/> the value passes, counting no further than <paramref name="stopAt"/>.</summary>
    private static int Passing(in Utf8JsonReader reader, Node[] branches, int depth, int stopAt)
    {
        var passed = 0;
        foreach (var branch in branches)
        {
            if (Branch(reader, branch, depth) is null && ++passed == stopAt)
            {
                break;
            }
        }

        return passed;
    }

    private static Failure? CheckObject(ref Utf8JsonReader reader, Node node, int depth)
    {
        var entries = node.Entries;
        ulong seen = 0;
        bool[]? seenMany = node.RequiredCount > 64 ? new bool[node.RequiredCount] : null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var entry = Find(ref reader, entries);
            var nameReader = reader; // the name is read only for a failure's message
            reader.Read();
            if (entry is not null)
            {
                if (entry.RequiredBit >= 0)
                {
                    if (seenMany is null)
                    {
                        seen |= 1UL << entry.RequiredBit;
                    }
                    else
                    {
                        seenMany[entry.RequiredBit] = true;
                    }
                }

                if (entry.Schema is null)
                {
                    reader.Skip();
                }
                else if (Check(ref reader, entry.Schema, depth + 1) is { } failure)
                {
                    return failure.Under("." + entry.Text);
                }
            }
            else if (node.NoAdditional)
            {
                return Failure.Of("is not allowed").Under("." + ClientText.Clip(nameReader.GetString()));
            }
            else if (node.Additional is { } additional)
            {
                if (Check(ref reader, additional, depth + 1) is { } failure)
                {
                    return failure.Under("." + ClientText.Clip(nameReader.GetString()));
                }
            }
            else
            {
                reader.Skip();
            }
        }

        foreach (var entry in entries)
        {
            if (entry.RequiredBit >= 0 && !(seenMany is null ? (seen & (1UL << entry.RequiredBit)) != 0 : seenMany[entry.RequiredBit]))
            {
                return Failure.Of("is required").Under("." + entry.Text);
            }
        }

        return null;
    }

    private static Failure? CheckArray(ref Utf8JsonReader reader, Node node, int depth)
    {
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (node.Items is { } items && Check(ref reader, items, depth + 1) is { } failure)
            {
                return failure.Under("[" + count.ToString(CultureInfo.InvariantCulture) + "]");
            }

            if (node.Items is null)
            {
                reader.Skip();
            }

            count++;
        }

        if (count < node.MinItems)
        {
            return Failure.Of($"needs at least {node.MinItems} items");
        }

        return count > node.MaxItems ? Failure.Of($"allows at most {node.MaxItems} items") : null;
    }

    private static Failure? CheckString(ref Utf8JsonReader reader, Node node)
    {
        if (node.MinLength == 0 && node.MaxLength == int.MaxValue)
        {
            return null;
        }

        // JSON Schema counts characters (code points): count UTF-8 lead bytes, or unescape when needed.
        int length;
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            var text = reader.GetString()!;
            length = text.EnumerateRunes().Count();
        }
        else
        {
            length = 0;
            foreach (var b in reader.ValueSpan)
            {
                if ((b & 0xC0) != 0x80)
                {
                    length++;
                }
            }
        }

        if (length < node.MinLength)
        {
            return Failure.Of($"needs at least {node.MinLength} characters");
        }

        return length > node.MaxLength ? Failure.Of($"allows at most {node.MaxLength} characters") : null;
    }

    private static Failure? CheckNumber(ref Utf8JsonReader reader, Node node)
    {
        if (!node.HasNumberBounds)
        {
            return null;
        }

        var n = reader.GetDouble();
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (n < node.Minimum)
        {
            return Failure.Of($"must be at least {F(node.Minimum)}");
        }

        if (n > node.Maximum)
        {
            return Failure.Of($"must be at most {F(node.Maximum)}");
        }

        if (n <= node.ExclusiveMinimum)
        {
            return Failure.Of($"must be greater than {F(node.ExclusiveMinimum)}");
        }

        return n >= node.ExclusiveMaximum ? Failure.Of($"must be less than {F(node.ExclusiveMaximum)}") : null;
    }

    private static bool Matches(ref Utf8JsonReader reader, JsonElement[] choices, byte[][]? stringChoices)
    {
        if (stringChoices is not null)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            foreach (var choice in stringChoices)
            {
                if (reader.ValueTextEquals(choice))
                {
                    return true;
                }
            }

            return false;
        }

        // Choices with numbers, objects or arrays: compared as JSON values (the rare case, so a DOM is fine).
        var copy = reader;
        using var value = JsonDocument.ParseValue(ref copy);
        var root = value.RootElement;
        return Array.Exists(choices, c => JsonElement.DeepEquals(root, c));
    }

    private static Entry? Find(ref Utf8JsonReader reader, Entry[] entries)
    {
        foreach (var entry in entries)
        {
            if (reader.ValueTextEquals(entry.Name))
            {
                return entry;
            }
        }

        return null;
    }

    private static Kinds KindOf(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => Kinds.Object,
        JsonTokenType.StartArray => Kinds.Array,
        JsonTokenType.String => Kinds.String,
        JsonTokenType.True or JsonTokenType.False => Kinds.Boolean,
        JsonTokenType.Null => Kinds.Null,
        JsonTokenType.Number => reader.TryGetDouble(out var d) && Math.Floor(d) == d && !double.IsInfinity(d) ? Kinds.Integer : Kinds.Number,
        _ => Kinds.None,
    };

    private static string Describe(Kinds kind) => kind switch
    {
        Kinds.Object => "an object",
        Kinds.Array => "an array",
        Kinds.String => "a string",
        Kinds.Number or Kinds.Integer => "a number",
        Kinds.Boolean => "a boolean",
        Kinds.Null => "null",
        _ => "missing",
    };

    [Flags]
    private enum Kinds
    {
        None = 0,
        Object = 1,
        Array = 2,
        String = 4,
        Number = 8,
        Integer = 16,
        Boolean = 32,
        Null = 64,
        All = Object | Array | String | Number | Integer | Boolean | Null,
    }

    /// <summary>What went wrong and where: the path is built on the way out, only when something failed.</summary>
    private sealed class Failure
    {
        private readonly string _message;
        private string _path = string.Empty;

        private Failure(string message) => _message = message;

        public static Failure Of(string message) => new(message);

        public Failure Under(string segment)
        {
            _path = segment + _path;
            return this;
        }

        public string Describe() => "arguments" + _path + " " + _message;
    }

    private sealed class Entry(byte[] name, string text, Node? schema, int requiredBit)
    {
        public byte[] Name { get; } = name;

        public string Text { get; } = text;

        public Node? Schema { get; } = schema;

        public int RequiredBit { get; } = requiredBit;
    }

    private sealed class Reference
    {
        public Node? Target { get; set; }
    }

    private sealed class Node
    {
        public bool IsEmpty { get; set; } = true;

        public Kinds Types { get; set; } = Kinds.All;

        public string TypeText { get; set; } = string.Empty;

        public Entry[] Entries { get; set; } = [];

        public int RequiredCount { get; set; }

        public bool NoAdditional { get; set; }

        public Node? Additional { get; set; }

        public Node? Items { get; set; }

        public JsonElement[]? Choices { get; set; }

        public byte[][]? StringChoices { get; set; }

        public string? ChoicesText { get; set; }

        public bool HasNumberBounds => !double.IsNegativeInfinity(Minimum) || !double.IsPositiveInfinity(Maximum)
            || !double.IsNegativeInfinity(ExclusiveMinimum) || !double.IsPositiveInfinity(ExclusiveMaximum);

        public double Minimum { get; set; } = double.NegativeInfinity;

        public double Maximum { get; set; } = double.PositiveInfinity;

        public double ExclusiveMinimum { get; set; } = double.NegativeInfinity;

        public double ExclusiveMaximum { get; set; } = double.PositiveInfinity;

        public int MinLength { get; set; }

        public int MaxLength { get; set; } = int.MaxValue;

        public int MinItems { get; set; }

        public int MaxItems { get; set; } = int.MaxValue;

        public Node[]? AllOf { get; set; }

        public Node[]? AnyOf { get; set; }

        public Node[]? OneOf { get; set; }

        public Reference? Ref { get; set; }
    }

    /// <summary>Turns a schema into nodes once; <c>$ref</c> targets are compiled once each, so recursion terminates.</summary>
    private sealed class Compiler(JsonElement root)
    {
        private readonly Dictionary<string, Reference> _references = new(StringComparer.Ordinal);

        public Node Compile(JsonElement schema, int depth)
        {
            var node = new Node();
            if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
            {
                return node;
            }

            foreach (var keyword in schema.EnumerateObject())
            {
                var value = keyword.Value;
                switch (keyword.Name)
                {
                    case "type":
                        node.Types = TypesOf(value, out var text);
                        node.TypeText = text;
                        break;
                    case "properties" when value.ValueKind == JsonValueKind.Object:
                    case "required" when value.ValueKind == JsonValueKind.Array:
                        break;
                    case "additionalProperties" when value.ValueKind == JsonValueKind.False:
                        node.NoAdditional = true;
                        break;
                    case "additionalProperties" when value.ValueKind == JsonValueKind.Object:
                        node.Additional = Compile(value, depth + 1);
                        break;
                    case "items" when value.ValueKind == JsonValueKind.Object:
                        node.Items = Compile(value, depth + 1);
                        break;
                    case "enum" when value.ValueKind == JsonValueKind.Array:
                        SetChoices(node, [.. value.EnumerateArray().Select(e => e.Clone())], "must be one of " + ClientText.Clip(value.GetRawText()));
                        break;
                    case "const":
                        SetChoices(node, [value.Clone()], "must be " + ClientText.Clip(value.GetRawText()));
                        break;
                    case "minimum" when value.ValueKind == JsonValueKind.Number:
                        node.Minimum = value.GetDouble();
                        break;
                    case "maximum" when value.ValueKind == JsonValueKind.Number:
                        node.Maximum = value.GetDouble();
                        break;
                    case "exclusiveMinimum" when value.ValueKind == JsonValueKind.Number:
                        node.ExclusiveMinimum = value.GetDouble();
                        break;
                    case "exclusiveMaximum" when value.ValueKind == JsonValueKind.Number:
                        node.ExclusiveMaximum = value.GetDouble();
                        break;
                    case "minLength" when value.TryGetInt32(out var n):
                        node.MinLength = n;
                        break;
                    case "maxLength" when value.TryGetInt32(out var n):
                        node.MaxLength = n;
                        break;
                    case "minItems" when value.TryGetInt32(out var n):
                        node.MinItems = n;
                        break;
                    case "maxItems" when value.TryGetInt32(out var n):
                        node.MaxItems = n;
                        break;
                    case "allOf" when value.ValueKind == JsonValueKind.Array:
                        node.AllOf = [.. value.EnumerateArray().Select(b => Compile(b, depth + 1))];
                        break;
                    case "anyOf" when value.ValueKind == JsonValueKind.Array:
                        node.AnyOf = [.. value.EnumerateArray().Select(b => Compile(b, depth + 1))];
                        break;
                    case "oneOf" when value.ValueKind == JsonValueKind.Array:
                        node.OneOf = [.. value.EnumerateArray().Select(b => Compile(b, depth + 1))];
                        break;
                    case "$ref" when value.ValueKind == JsonValueKind.String:
                        node.Ref = Resolve(value.GetString()!, depth);
                        break;
                    default:
                        continue;
                }

                node.IsEmpty = false;
            }

            CompileEntries(node, schema, depth);
            return node;
        }

        private void CompileEntries(Node node, JsonElement schema, int depth)
        {
            var entries = new List<Entry>();
            var required = new List<string>();
            if (schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array)
            {
                required.AddRange(names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).Distinct(StringComparer.Ordinal));
            }

            var hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
            if (hasProperties)
            {
                foreach (var property in properties.EnumerateObject())
                {
                    var bit = required.IndexOf(property.Name);
                    entries.Add(new Entry(Encoding.UTF8.GetBytes(property.Name), ClientText.Clip(property.Name), Compile(property.Value, depth + 1), bit));
                }
            }

            for (var bit = 0; bit < required.Count; bit++)
            {
                if (!hasProperties || !properties.TryGetProperty(required[bit], out _))
                {
                    entries.Add(new Entry(Encoding.UTF8.GetBytes(required[bit]), ClientText.Clip(required[bit]), null, bit));
                }
            }

            node.Entries = [.. entries];
            node.RequiredCount = required.Count;
            if (entries.Count > 0 || node.NoAdditional || node.Additional is not null)
            {
                node.IsEmpty = false;
            }
        }

        private Reference? Resolve(string reference, int depth)
        {
            if (_references.TryGetValue(reference, out var known))
            {
                return known;
            }

            JsonElement? target = reference == "#" ? root : null;
            foreach (var prefix in (ReadOnlySpan<string>)["#/$defs/", "#/definitions/"])
            {
                if (reference.StartsWith(prefix, StringComparison.Ordinal)
                    && root.TryGetProperty(prefix[2..^1], out var defs) && defs.ValueKind == JsonValueKind.Object
                    && defs.TryGetProperty(reference[prefix.Length..], out var found))
                {
                    target = found;
                }
            }

            if (target is null)
            {
                return null;
            }

            // Registered before it is compiled: a schema that refers to itself gets the same node.
            var result = new Reference();
            _references[reference] = result;
            result.Target = Compile(target.Value, depth + 1);
            return result;
        }

        private static void SetChoices(Node node, JsonElement[] choices, string text)
        {
            node.Choices = choices;
            node.ChoicesText = text;
            node.StringChoices = Array.TrueForAll(choices, c => c.ValueKind == JsonValueKind.String)
                ? [.. choices.Select(c => Encoding.UTF8.GetBytes(c.GetString()!))]
                : null;
        }

        private static Kinds TypesOf(JsonElement type, out string text)
        {
            var names = type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array => type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray(),
                _ => Array.Empty<string>(),
            };
            if (names.Length == 0)
            {
                text = string.Empty;
                return Kinds.All;
            }

            var kinds = Kinds.None;
            foreach (var name in names)
            {
                kinds |= name switch
                {
                    "object" => Kinds.Object,
                    "array" => Kinds.Array,
                    "string" => Kinds.String,
                    "number" => Kinds.Number | Kinds.Integer,
                    "integer" => Kinds.Integer,
                    "boolean" => Kinds.Boolean,
                    "null" => Kinds.Null,
                    _ => Kinds.All,
                };
            }

            text = string.Join(" or ", names.Select(n => n switch
            {
                "object" or "array" or "integer" => "an " + n,
                "null" => "null",
                _ => "a " + n,
            }));
            return kinds;
        }
    }
}

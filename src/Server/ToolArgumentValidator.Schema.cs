using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mcp.Raw.Server;

// The compiled schema: its nodes, properties and references, and the compiler that builds them once per tool.
internal sealed partial class ToolArgumentValidator
{
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

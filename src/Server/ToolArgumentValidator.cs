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
internal sealed partial class ToolArgumentValidator
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
}

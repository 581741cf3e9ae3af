using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mcp.Raw.Server.Tests;

/// <summary>The schema keywords the argument check enforces before a handler runs (SV-10), over raw bytes.</summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class ToolArgumentValidatorTests
{
    private static string? Check(string schema, string arguments)
    {
        using var document = JsonDocument.Parse(schema);
        var validator = ToolArgumentValidator.Create(document.RootElement.Clone());
        var bytes = Encoding.UTF8.GetBytes(arguments);

        // Both entry points (one span; a sequence split in two) must agree.
        var span = validator.Validate(bytes);
        var sequence = validator.Validate(Segments.Split(bytes));
        sequence.Should().Be(span);
        return span;
    }

    [TestCase("""{"type":"object","properties":{"n":{"type":"integer"}}}""", """{"n":1.0}""", null)]
    [TestCase("""{"type":"object","properties":{"n":{"type":"integer"}}}""", """{"n":1.5}""", "arguments.n must be an integer, not a number")]
    [TestCase("""{"type":"object","properties":{"n":{"type":["string","null"]}}}""", """{"n":null}""", null)]
    [TestCase("""{"type":"object","properties":{"n":{"type":"number","minimum":1,"exclusiveMaximum":3}}}""", """{"n":3}""", "arguments.n must be less than 3")]
    [TestCase("""{"type":"object","properties":{"s":{"type":"string","maxLength":2}}}""", """{"s":"\u00e9\u00e9"}""", null)]
    [TestCase("""{"type":"object","properties":{"s":{"type":"string","maxLength":2}}}""", """{"s":"abc"}""", "arguments.s allows at most 2 characters")]
    [TestCase("""{"type":"object","properties":{"c":{"enum":["red","green"]}}}""", """{"c":"blue"}""", "arguments.c must be one of [\"red\",\"green\"]")]
    [TestCase("""{"type":"object","properties":{"c":{"enum":[1,{"a":1}]}}}""", """{"c":{"a":1}}""", null)]
    [TestCase("""{"type":"object","additionalProperties":false,"properties":{"a":{}}}""", """{"a":1,"b":2}""", "arguments.b is not allowed")]
    [TestCase("""{"type":"object","additionalProperties":{"type":"string"}}""", """{"x":"1","y":2}""", "arguments.y must be a string, not a number")]
    [TestCase("""{"type":"object","properties":{"l":{"type":"array","minItems":1,"items":{"type":"string"}}}}""", """{"l":[]}""", "arguments.l needs at least 1 items")]
    [TestCase("""{"type":"object","properties":{"v":{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"number"}]}}}""", """{"v":2}""", "arguments.v must match exactly one of the allowed forms (oneOf)")]
    [TestCase("""{"type":"object","properties":{"v":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}""", """{"v":true}""", "arguments.v matches none of the allowed forms (anyOf)")]
    [TestCase("""{"type":"object","required":["a"],"properties":{"b":{}}}""", """{"b":1}""", "arguments.a is required")]
    [TestCase("""{"type":"object","properties":{"a\u0301":{"type":"string"}}}""", """{"a\u0301":1}""", "arguments.a\u0301 must be a string, not a number")]
    public void Keywords(string schema, string arguments, string? expected) => Check(schema, arguments).Should().Be(expected);

    [Test]
    public void RecursiveRef_IsFollowed_AndTerminates()
    {
        const string schema = """{"type":"object","$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["name"]}},"properties":{"root":{"$ref":"#/$defs/node"}}}""";
        Check(schema, """{"root":{"name":"a","children":[{"name":"b","children":[]}]}}""").Should().BeNull();
        Check(schema, """{"root":{"name":"a","children":[{"children":[]}]}}""").Should().Be("arguments.root.children[0].name is required");
    }

    [Test]
    public void NoArguments_AreCheckedAsAnEmptyObject()
    {
        using var document = JsonDocument.Parse("""{"type":"object","required":["text"]}""");
        var validator = ToolArgumentValidator.Create(document.RootElement.Clone());
        validator.Validate(ReadOnlySequence<byte>.Empty).Should().Be("arguments.text is required");
    }
}

/// <summary>Splits a buffer into a two-segment sequence.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes)
    {
        if (bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var half = bytes.Length / 2;
        var first = new Segment(bytes.AsMemory(0, half), 0);
        var second = first.Append(bytes.AsMemory(half));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

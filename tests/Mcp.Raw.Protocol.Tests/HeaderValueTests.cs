using System.Text.Json;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.Tests;

/// <summary>Header value encoding and x-mcp-header rules (2026-07-28).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class HeaderValueTests
{
    // M-CL-03: plain when safe; Base64 sentinel for non-ASCII, control characters, edge whitespace, sentinel look-alikes.
    [TestCase("echo", "echo")]
    [TestCase("a b", "a b")]
    [TestCase("", "")]
    [TestCase("tools/call", "tools/call")]
    [TestCase("héllo", "=?base64?aMOpbGxv?=")]
    [TestCase(" lead", "=?base64?IGxlYWQ=?=")]
    [TestCase("trail ", "=?base64?dHJhaWwg?=")]
    [TestCase("\tx", "=?base64?CXg=?=")]
    [TestCase("a\nb", "=?base64?YQpi?=")]
    [TestCase("=?base64?abc?=", "=?base64?PT9iYXNlNjQ/YWJjPz0=?=")]
    public void Encode_MCL03(string value, string expected)
    {
        McpHeaderValue.Encode(value).Should().Be(expected);
        McpHeaderValue.TryDecode(expected, out var decoded).Should().BeTrue();
        decoded.Should().Be(value);
    }

    // M-TR-11: optional whitespace around the value is stripped before comparing.
    [TestCase("  foo ", "foo")]
    [TestCase("\tfoo\t", "foo")]
    [TestCase(" =?base64?aMOpbGxv?= ", "héllo")]
    public void TryDecode_StripsOws_MTR11(string header, string expected)
    {
        McpHeaderValue.TryDecode(header, out var value).Should().BeTrue();
        value.Should().Be(expected);
    }

    // M-TR-09: invalid characters and bad Base64 are refused (-32020), never a 500.
    [TestCase("caf\u00e9")]
    [TestCase("a\u0001b")]
    [TestCase("a\u007fb")]
    [TestCase("=?base64?!!!?=")]
    [TestCase("=?base64?aMOpbGxv?=x")]
    [TestCase("=?base64?YQ?=")]
    [TestCase("=?base64?wyg=?=")]
    [TestCase("=?base64?/w==?=")]
    [TestCase("=?base64?YWJj ZA==?=")]
    public void TryDecode_Refuses_MTR09(string header)
    {
        if (header == "=?base64?aMOpbGxv?=x")
        {
            // Not a sentinel (suffix missing): a literal.
            McpHeaderValue.TryDecode(header, out var literal).Should().BeTrue();
            literal.Should().Be(header);
            return;
        }

        McpHeaderValue.TryDecode(header, out _).Should().BeFalse();
    }

    // SEP-2243 table: wrong-case prefix or missing suffix is a literal.
    [TestCase("=?BASE64?aGk=?=")]
    [TestCase("=?base64?aGk=")]
    [TestCase("base64?aGk=?=")]
    public void TryDecode_NonSentinel_IsLiteral(string header)
    {
        McpHeaderValue.TryDecode(header, out var value).Should().BeTrue();
        value.Should().Be(header);
    }

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement;

    [Test]
    public void Annotations_ValidNestedPropertiesPath_MSV06()
    {
        var schema = Schema("""
            {"type":"object","properties":{
               "region":{"type":"string","x-mcp-header":"Region"},
               "opts":{"type":"object","properties":{"dry":{"type":"boolean","x-mcp-header":"Dry-Run"}}},
               "count":{"type":"integer","x-mcp-header":"Count"},
               "x-mcp-header":{"type":"string"}}}
            """);
        ToolHeaderAnnotations.TryGetAnnotations(schema, out var list, out var error).Should().BeTrue(error);
        list.Should().HaveCount(3);
        list.Should().ContainSingle(a => a.HeaderSuffix == "Dry-Run").Which.Path.Should().Equal("opts", "dry");
        list.Single(a => a.HeaderSuffix == "Region").HeaderName.Should().Be("Mcp-Param-Region");
    }

    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":""}}}""", "empty")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"A B"}}}""", "space")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"A:B"}}}""", "colon")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"Ré"}}}""", "non-ASCII")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"A\u0001"}}}""", "control")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":{}}}}""", "object")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":["A"]}}}""", "array")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":null}}}""", "null")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"number","x-mcp-header":"A"}}}""", "number type")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"object","x-mcp-header":"A"}}}""", "object type")]
    [TestCase("""{"type":"object","properties":{"a":{"x-mcp-header":"A"}}}""", "no type")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"A"},"b":{"type":"string","x-mcp-header":"a"}}}""", "duplicate")]
    [TestCase("""{"type":"object","properties":{"a":{"type":"array","items":{"type":"string","x-mcp-header":"A"}}}}""", "under items")]
    [TestCase("""{"type":"object","properties":{"a":{"oneOf":[{"type":"string","x-mcp-header":"A"}]}}}""", "under oneOf")]
    [TestCase("""{"type":"object","$defs":{"d":{"type":"string","x-mcp-header":"A"}}}""", "under $defs")]
    [TestCase("""{"type":"object","if":{"properties":{"a":{"type":"string","x-mcp-header":"A"}}}}""", "under if")]
    [TestCase("""{"type":"object","x-mcp-header":"Root"}""", "on root")]
    public void Annotations_Invalid_AreRejected_MSV06_MCL04(string schema, string why)
    {
        ToolHeaderAnnotations.TryGetAnnotations(Schema(schema), out var list, out var error).Should().BeFalse(why);
        list.Should().BeEmpty();
        error.Should().NotBeNullOrEmpty();
    }

    [Test]
    public void HeaderValues_Stringified_NullAndAbsentOmitted_MCL02()
    {
        var schema = Schema("""{"type":"object","properties":{"s":{"type":"string","x-mcp-header":"S"},"i":{"type":"integer","x-mcp-header":"I"},"b":{"type":"boolean","x-mcp-header":"B"},"n":{"type":"string","x-mcp-header":"N"},"m":{"type":"string","x-mcp-header":"M"}}}""");
        ToolHeaderAnnotations.TryGetAnnotations(schema, out var list, out _).Should().BeTrue();
        var headers = ToolHeaderAnnotations.GetHeaderValues(list, Schema("""{"s":"héllo","i":42,"b":false,"n":null}""")).ToDictionary();
        headers.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Mcp-Param-S"] = "=?base64?aMOpbGxv?=",
            ["Mcp-Param-I"] = "42",
            ["Mcp-Param-B"] = "false",
        });
    }

    [Test]
    public void Verify_HeadersAgainstArguments_MSV07_MTR12()
    {
        var schema = Schema("""{"type":"object","properties":{"r":{"type":"string","x-mcp-header":"Region"},"n":{"type":"integer","x-mcp-header":"N"}}}""");
        ToolHeaderAnnotations.TryGetAnnotations(schema, out var list, out _).Should().BeTrue();
        const string args = """{"r":"eu","n":42}""";

        bool Verify(Dictionary<string, string> h, string a, out string? e)
            => ToolHeaderAnnotations.TryVerify(list, new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(a)), k => h.GetValueOrDefault(k), out e);

        Verify(new() { ["Mcp-Param-Region"] = "eu", ["Mcp-Param-N"] = "42" }, args, out _).Should().BeTrue();
        Verify(new() { ["Mcp-Param-Region"] = " eu ", ["Mcp-Param-N"] = "42.0" }, args, out _).Should().BeTrue("whitespace stripped, integers compared as numbers");
        Verify(new() { ["Mcp-Param-Region"] = "=?base64?ZXU=?=", ["Mcp-Param-N"] = "42" }, args, out _).Should().BeTrue("sentinel decoded");
        Verify(new() { ["Mcp-Param-N"] = "42" }, args, out var e1).Should().BeFalse();
        e1.Should().Contain("missing");
        Verify(new() { ["Mcp-Param-Region"] = "us", ["Mcp-Param-N"] = "42" }, args, out var e2).Should().BeFalse();
        e2.Should().Contain("does not match");
        Verify(new() { ["Mcp-Param-Region"] = "EU", ["Mcp-Param-N"] = "42" }, args, out _).Should().BeFalse("values compare case-sensitively");
        Verify(new() { ["Mcp-Param-Region"] = "=?base64?***?=", ["Mcp-Param-N"] = "42" }, args, out _).Should().BeFalse("bad Base64");
        Verify(new(), """{"r":null}""", out _).Should().BeTrue("null and absent arguments need no header");
        Verify(new(), "", out _).Should().BeTrue("a call without arguments needs no header");
        Verify(new() { ["Mcp-Param-Region"] = "eu" }, """{"r":"us","n":null,"r":"eu"}""", out _).Should().BeTrue("the last of a repeated member counts, as in a DOM");
        Verify(new() { ["Mcp-Param-Region"] = "caf\u00e9" }, """{"r":"caf\u00e9"}""", out _).Should().BeFalse("the header is compared with the unescaped value, not the raw text");
        Verify(new() { ["Mcp-Param-Region"] = "=?base64?Y2Fmw6k=?=" }, """{"r":"caf\u00e9"}""", out _).Should().BeTrue("escaped JSON text equals its decoded header");
    }

    [Test]
    public void Verify_NestedArgument_FollowsThePath_MSV07()
    {
        var schema = Schema("""{"type":"object","properties":{"where":{"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"}}}}}""");
        ToolHeaderAnnotations.TryGetAnnotations(schema, out var list, out _).Should().BeTrue();

        bool Verify(string? header, string args) => ToolHeaderAnnotations.TryVerify(
            list, new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(args)), k => header, out _);

        Verify("eu", """{"other":{"region":"us"},"where":{"x":[1,{"region":"us"}],"region":"eu"}}""").Should().BeTrue();
        Verify("us", """{"where":{"region":"eu"}}""").Should().BeFalse();
        Verify(null, """{"where":"eu"}""").Should().BeTrue("a path through a non-object finds no argument");
        Verify(null, """{"region":"eu"}""").Should().BeTrue("the argument is only the one at the path");
    }
}

using System.Text;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Protocol.Tests;

/// <summary>
/// A table of malformed bodies, each with the JSON-RPC code it must get (JR-01, JR-02, JR-05, JR-07, JR-10, JR-12,
/// TR-02, TR-14). Every row is also read split at every byte position and one byte per segment.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class MalformedInputTests
{
    private const int Parse = JsonRpcErrorCode.ParseError;
    private const int Invalid = JsonRpcErrorCode.InvalidRequest;

    private static readonly (string Name, byte[] Body, int Code)[] s_rows = BuildRows();

    private static (string, byte[], int)[] BuildRows()
    {
        var rows = new List<(string, byte[], int)>();
        void Add(string name, string body, int code) => rows.Add((name, Encoding.UTF8.GetBytes(body), code));
        void AddBytes(string name, byte[] body, int code) => rows.Add((name, body, code));

        // -32700: not JSON at all.
        Add("empty", "", Parse);
        Add("whitespace", " \t\r\n ", Parse);
        Add("open brace", "{", Parse);
        Add("close brace", "}", Parse);
        Add("open bracket", "[", Parse);
        Add("close bracket", "]", Parse);
        Add("bare word", "hello", Parse);
        Add("tru", "tru", Parse);
        Add("nul", "nul", Parse);
        Add("single quotes", "{'jsonrpc':'2.0','method':'x'}", Parse);
        Add("unquoted key", """{jsonrpc:"2.0","method":"x"}""", Parse);
        Add("trailing comma object", """{"jsonrpc":"2.0","method":"x",}""", Parse);
        Add("trailing comma array", """[{"jsonrpc":"2.0","method":"x"},]""", Parse);
        Add("missing colon", """{"jsonrpc" "2.0"}""", Parse);
        Add("missing comma", """{"jsonrpc":"2.0" "method":"x"}""", Parse);
        Add("double comma", """{"jsonrpc":"2.0",,"method":"x"}""", Parse);
        Add("line comment", "// c\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}", Parse);
        Add("block comment", """/*c*/{"jsonrpc":"2.0","method":"x"}""", Parse);
        Add("NaN", """{"jsonrpc":"2.0","id":NaN,"method":"x"}""", Parse);
        Add("Infinity", """{"jsonrpc":"2.0","id":Infinity,"method":"x"}""", Parse);
        Add("hex number", """{"jsonrpc":"2.0","id":0x10,"method":"x"}""", Parse);
        Add("leading zero", """{"jsonrpc":"2.0","id":01,"method":"x"}""", Parse);
        Add("plus sign", """{"jsonrpc":"2.0","id":+1,"method":"x"}""", Parse);
        Add("leading dot", """{"jsonrpc":"2.0","id":.5,"method":"x"}""", Parse);
        Add("trailing dot", """{"jsonrpc":"2.0","id":1.,"method":"x"}""", Parse);
        Add("bad exponent", """{"jsonrpc":"2.0","id":1e,"method":"x"}""", Parse);
        Add("bad escape", """{"jsonrpc":"2.0","method":"\x"}""", Parse);
        Add("short unicode escape", """{"jsonrpc":"2.0","method":"\u12"}""", Parse);
        Add("raw newline in string", "{\"jsonrpc\":\"2.0\",\"method\":\"a\nb\"}", Parse);
        Add("raw tab in string", "{\"jsonrpc\":\"2.0\",\"method\":\"a\tb\"}", Parse);
        Add("raw NUL in string", "{\"jsonrpc\":\"2.0\",\"method\":\"a\0b\"}", Parse);
        Add("unterminated string", """{"jsonrpc":"2.0","method":"x""", Parse);
        Add("two objects", """{"jsonrpc":"2.0","method":"x"}{"jsonrpc":"2.0","method":"y"}""", Parse);
        Add("object then garbage", """{"jsonrpc":"2.0","method":"x"} x""", Parse);
        Add("array then garbage", """[{"jsonrpc":"2.0","method":"x"}] ]""", Parse);
        Add("number then garbage", "1 2", Parse);
        Add("invalid after valid semantic error", """{"jsonrpc":"1.0","method":"x"} {""", Parse);
        Add("lone high surrogate id", """{"jsonrpc":"2.0","id":"\ud800","method":"x"}""", Parse);
        Add("lone low surrogate method", """{"jsonrpc":"2.0","id":1,"method":"\udc00"}""", Parse);
        Add("lone surrogate in name", """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\ud83d"}}""", Parse);
        Add("lone surrogate in uri", """{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"\ude00x"}}""", Parse);
        Add("lone surrogate in error message", """{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"\ud800"}}""", Parse);
        Add("nested unclosed", """{"jsonrpc":"2.0","method":"x","params":{"a":[1,2}}""", Parse);
        Add("mismatched close", """{"jsonrpc":"2.0","method":"x","params":[}""", Parse);
        Add("colon in array", """{"jsonrpc":"2.0","method":"x","params":["a":1]}""", Parse);
        Add("key without value", """{"jsonrpc":"2.0","method":}""", Parse);
        Add("uppercase TRUE", """{"jsonrpc":"2.0","method":"x","params":{"a":TRUE}}""", Parse);
        Add("undefined", """{"jsonrpc":"2.0","id":undefined,"method":"x"}""", Parse);
        AddBytes("BOM then object", [0xEF, 0xBB, 0xBF, .. """{"jsonrpc":"2.0","method":"x"}"""u8], Parse);
        AddBytes("invalid UTF-8 C3 28", [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0xC3, 0x28, .. "\"}"u8], Parse);
        AddBytes("overlong slash C0 AF", [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0xC0, 0xAF, .. "\"}"u8], Parse);
        AddBytes("lone continuation 80", [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0x80, .. "\"}"u8], Parse);
        AddBytes("truncated 3-byte E2 82", [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0xE2, 0x82, .. "\"}"u8], Parse);
        AddBytes("surrogate encoded ED A0 80", [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], Parse);
        AddBytes("above U+10FFFF F4 90 80 80", [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0xF4, 0x90, 0x80, 0x80, .. "\"}"u8], Parse);
        AddBytes("byte FF", [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0xFF, .. "\"}"u8], Parse);
        AddBytes("byte FE in key", [.. "{\""u8, 0xFE, .. "\":1,\"jsonrpc\":\"2.0\",\"method\":\"x\"}"u8], Parse);
        AddBytes("invalid UTF-8 in skipped params", [.. "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"a\":\""u8, 0xC3, .. "\"}}"u8], Parse);
        AddBytes("invalid UTF-8 at end", [.. """{"jsonrpc":"2.0","method":"x"}"""u8, 0xC3], Parse);
        AddBytes("UTF-16LE body", Encoding.Unicode.GetBytes("""{"jsonrpc":"2.0","method":"x"}"""), Parse);

        // Every proper prefix of a valid request is a truncated body: -32700.
        const string valid = """{"jsonrpc":"2.0","id":"a1","method":"tools/call","params":{"name":"echo","arguments":{"text":"hé"},"_meta":{"progressToken":3}}}""";
        var validBytes = Encoding.UTF8.GetBytes(valid);
        for (var i = 1; i < validBytes.Length; i++)
        {
            var prefix = validBytes[..i];
            if (Encoding.UTF8.GetString(prefix).Trim().Length == 0)
            {
                continue;
            }

            AddBytes($"truncated@{i}", prefix, Parse);
        }

        // -32600: JSON, but not a JSON-RPC message.
        Add("number", "1", Invalid);
        Add("string", "\"x\"", Invalid);
        Add("null", "null", Invalid);
        Add("true", "true", Invalid);
        Add("false", "false", Invalid);
        Add("empty object", "{}", Invalid);
        Add("empty batch", "[]", Invalid);
        Add("missing jsonrpc", """{"id":1,"method":"x"}""", Invalid);
        Add("jsonrpc 1.0", """{"jsonrpc":"1.0","id":1,"method":"x"}""", Invalid);
        Add("jsonrpc 2", """{"jsonrpc":"2","id":1,"method":"x"}""", Invalid);
        Add("jsonrpc 2.0 number", """{"jsonrpc":2.0,"id":1,"method":"x"}""", Invalid);
        Add("jsonrpc null", """{"jsonrpc":null,"id":1,"method":"x"}""", Invalid);
        Add("jsonrpc object", """{"jsonrpc":{"v":"2.0"},"id":1,"method":"x"}""", Invalid);
        Add("jsonrpc with space", """{"jsonrpc":"2.0 ","id":1,"method":"x"}""", Invalid);
        Add("JSONRPC uppercase key only", """{"JSONRPC":"2.0","id":1,"method":"x"}""", Invalid);
        Add("id object", """{"jsonrpc":"2.0","id":{},"method":"x"}""", Invalid);
        Add("id array", """{"jsonrpc":"2.0","id":[1],"method":"x"}""", Invalid);
        Add("id true", """{"jsonrpc":"2.0","id":true,"method":"x"}""", Invalid);
        Add("id false", """{"jsonrpc":"2.0","id":false,"method":"x"}""", Invalid);
        Add("id fractional", """{"jsonrpc":"2.0","id":1.5,"method":"x"}""", Invalid);
        Add("id 1.0", """{"jsonrpc":"2.0","id":1.0,"method":"x"}""", Invalid);
        Add("id exponent", """{"jsonrpc":"2.0","id":1e3,"method":"x"}""", Invalid);
        Add("id negative exponent", """{"jsonrpc":"2.0","id":-2E-1,"method":"x"}""", Invalid);
        Add("id null on request", """{"jsonrpc":"2.0","id":null,"method":"x"}""", Invalid);
        Add("method number", """{"jsonrpc":"2.0","id":1,"method":1}""", Invalid);
        Add("method null", """{"jsonrpc":"2.0","id":1,"method":null}""", Invalid);
        Add("method object", """{"jsonrpc":"2.0","id":1,"method":{"n":"x"}}""", Invalid);
        Add("method array", """{"jsonrpc":"2.0","id":1,"method":["x"]}""", Invalid);
        Add("method bool", """{"jsonrpc":"2.0","id":1,"method":true}""", Invalid);
        Add("params string", """{"jsonrpc":"2.0","id":1,"method":"x","params":"a"}""", Invalid);
        Add("params number", """{"jsonrpc":"2.0","id":1,"method":"x","params":1}""", Invalid);
        Add("params true", """{"jsonrpc":"2.0","id":1,"method":"x","params":true}""", Invalid);
        Add("params null", """{"jsonrpc":"2.0","id":1,"method":"x","params":null}""", JsonRpcErrorCode.InvalidParams);
        Add("request with result", """{"jsonrpc":"2.0","id":1,"method":"x","result":{}}""", Invalid);
        Add("request with error", """{"jsonrpc":"2.0","id":1,"method":"x","error":{"code":1,"message":"m"}}""", Invalid);
        Add("notification with result", """{"jsonrpc":"2.0","method":"x","result":{}}""", Invalid);
        Add("result and error", """{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}""", Invalid);
        Add("neither method result error", """{"jsonrpc":"2.0","id":1}""", Invalid);
        Add("only jsonrpc", """{"jsonrpc":"2.0"}""", Invalid);
        Add("only params", """{"jsonrpc":"2.0","params":{}}""", Invalid);
        Add("result without id", """{"jsonrpc":"2.0","result":{}}""", Invalid);
        Add("result with null id", """{"jsonrpc":"2.0","id":null,"result":{}}""", Invalid);
        Add("result with bool id", """{"jsonrpc":"2.0","id":true,"result":{}}""", Invalid);
        Add("error string", """{"jsonrpc":"2.0","id":1,"error":"boom"}""", Invalid);
        Add("error null", """{"jsonrpc":"2.0","id":1,"error":null}""", Invalid);
        Add("error array", """{"jsonrpc":"2.0","id":1,"error":[]}""", Invalid);
        Add("error empty object", """{"jsonrpc":"2.0","id":1,"error":{}}""", Invalid);
        Add("error missing code", """{"jsonrpc":"2.0","id":1,"error":{"message":"m"}}""", Invalid);
        Add("error missing message", """{"jsonrpc":"2.0","id":1,"error":{"code":-32600}}""", Invalid);
        Add("error code string", """{"jsonrpc":"2.0","id":1,"error":{"code":"-32600","message":"m"}}""", Invalid);
        Add("error code fractional", """{"jsonrpc":"2.0","id":1,"error":{"code":-32600.5,"message":"m"}}""", Invalid);
        Add("error code too big", """{"jsonrpc":"2.0","id":1,"error":{"code":99999999999,"message":"m"}}""", Invalid);
        Add("error message number", """{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":2}}""", Invalid);
        Add("error message null", """{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":null}}""", Invalid);
        Add("duplicate id", """{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}""", Invalid);
        Add("duplicate method", """{"jsonrpc":"2.0","id":1,"method":"x","method":"y"}""", Invalid);
        Add("duplicate jsonrpc", """{"jsonrpc":"2.0","jsonrpc":"2.0","method":"x"}""", Invalid);
        Add("duplicate params", """{"jsonrpc":"2.0","method":"x","params":{},"params":{}}""", Invalid);
        Add("duplicate result", """{"jsonrpc":"2.0","id":1,"result":{},"result":{}}""", Invalid);
        Add("duplicate escaped id", """{"jsonrpc":"2.0","id":1,"\u0069d":2,"method":"x"}""", Invalid);
        Add("duplicate params.name", """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","name":"a"}}""", Invalid);
        Add("duplicate params.uri", """{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"a","uri":"b"}}""", Invalid);
        Add("duplicate params._meta", """{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{},"_meta":{}}}""", Invalid);
        Add("array of numbers is a batch of invalid", "[1]", Invalid);
        Add("deep array", new string('[', 100) + new string(']', 100), Invalid);
        Add("deep object", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100), Invalid);
        Add("deep params", """{"jsonrpc":"2.0","id":1,"method":"x","params":""" + new string('[', 70) + new string(']', 70) + "}", Invalid);
        Add("deep meta", """{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":""" + string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70) + "}}", Invalid);
        Add("deep error data", """{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m","data":""" + new string('[', 70) + new string(']', 70) + "}}", Invalid);
        return rows.ToArray();
    }

    public static IEnumerable<TestCaseData> Rows()
        => s_rows.Select(r => new TestCaseData(r.Body, r.Code).SetName($"Malformed_{Sanitize(r.Name)}_Gets{-r.Code}"));

    private static string Sanitize(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    [Test]
    public void Table_HasAtLeast150Rows() => s_rows.Length.Should().BeGreaterThanOrEqualTo(150);

    [TestCaseSource(nameof(Rows))]
    public void Malformed_GetsExpectedCode(byte[] body, int code)
    {
        // A batch whose elements are all invalid is answered element by element, each with the same code.
        ReaderAssert.ForAllShapes(body, (payload, shape) =>
        {
            var codes = new List<int>();
            if (payload.HasBodyError)
            {
                codes.Add(payload.BodyError.Code);
                payload.BodyError.Id.IsNone.Should().BeTrue("a body-level error never has an id");
            }
            else
            {
                for (var i = 0; i < payload.Count; i++)
                {
                    payload[i].IsValid.Should().BeFalse($"{shape}: element {i} should be refused");
                    codes.Add(payload[i].Error.Code);
                    payload[i].Error.Message.Should().NotBeNullOrWhiteSpace();
                }
            }

            codes.Should().OnlyContain(c => c == code, shape);
        });
    }
}

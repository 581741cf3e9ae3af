namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// One <c>x-mcp-header</c> annotation of a tool's input schema (2026-07-28, M-SV-06): the argument it mirrors
/// (a path of property names from the root), the header suffix, and the JSON type of the argument.
/// </summary>
/// <param name="Path">Property names from the root of the arguments object.</param>
/// <param name="HeaderSuffix">The annotation value; the header is <c>Mcp-Param-{HeaderSuffix}</c>.</param>
/// <param name="Type"><c>string</c>, <c>integer</c> or <c>boolean</c>.</param>
public sealed record ToolHeaderAnnotation(IReadOnlyList<string> Path, string HeaderSuffix, string Type)
{
    /// <summary>The full header name, <c>Mcp-Param-{HeaderSuffix}</c>.</summary>
    public string HeaderName => "Mcp-Param-" + HeaderSuffix;
}

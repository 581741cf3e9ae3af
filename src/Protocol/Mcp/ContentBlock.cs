using System.Text.Json.Serialization;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// A content block, discriminated by <c>type</c> (SV-05): <c>text</c>, <c>image</c>, <c>audio</c>,
/// <c>resource_link</c>, <c>resource</c>, and in sampling <c>tool_use</c> and <c>tool_result</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(TextContent), "text")]
[JsonDerivedType(typeof(ImageContent), "image")]
[JsonDerivedType(typeof(AudioContent), "audio")]
[JsonDerivedType(typeof(ResourceLink), "resource_link")]
[JsonDerivedType(typeof(EmbeddedResource), "resource")]
[JsonDerivedType(typeof(ToolUseContent), "tool_use")]
[JsonDerivedType(typeof(ToolResultContent), "tool_result")]
public abstract class ContentBlock
{
    private protected ContentBlock()
    {
    }
}

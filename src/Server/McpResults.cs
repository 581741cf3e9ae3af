using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Server;

/// <summary>Shorthands for common results.</summary>
public static class McpResults
{
    /// <summary>A result with one text block.</summary>
    public static CallToolResult Text(string text) => new() { Content = [new TextContent { Text = text }] };

    /// <summary>A tool execution error: <c>isError: true</c> with the message as text (SV-09).</summary>
    public static CallToolResult Error(string message) => new() { Content = [new TextContent { Text = message }], IsError = true };

    /// <summary>A prompt result with one user text message.</summary>
    public static GetPromptResult UserPrompt(string text, string? description = null) =>
        new() { Description = description, Messages = [new PromptMessage { Role = "user", Content = new TextContent { Text = text } }] };
}

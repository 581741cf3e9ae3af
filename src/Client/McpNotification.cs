using System.Text.Json;

namespace Mcp.Raw.Client;

/// <summary>A notification from the server: its method and params (<c>default</c> when it had none).</summary>
public sealed record McpNotification(string Method, JsonElement Params)
{
    /// <summary>For <c>notifications/progress</c>: the progress, total and message.</summary>
    public (double Progress, double? Total, string? Message)? AsProgress() =>
        Method == "notifications/progress" && Params.ValueKind == JsonValueKind.Object && Params.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number
            ? (p.GetDouble(), Params.TryGetProperty("total", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null, Params.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null)
            : null;

    /// <summary>For <c>notifications/message</c>: the level, logger and data as text.</summary>
    public (string Level, string? Logger, string Text)? AsLogMessage() =>
        Method == "notifications/message" && Params.ValueKind == JsonValueKind.Object
            ? (Params.TryGetProperty("level", out var l) ? l.GetString() ?? "info" : "info",
               Params.TryGetProperty("logger", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null,
               Params.TryGetProperty("data", out var d) ? (d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetRawText()) : string.Empty)
            : null;
}

/// <summary>A JSON-RPC error from the server, or a failure of the exchange.</summary>
public sealed class McpClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpClientException(int code, string message, JsonElement? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    /// <summary>Creates the exception.</summary>
    public McpClientException()
        : this(0, "MCP client error.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public McpClientException(string message)
        : this(0, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public McpClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The JSON-RPC error code (0 when the failure was not a JSON-RPC error).</summary>
    public int Code { get; }

    /// <summary>The error's <c>data</c>.</summary>
    public JsonElement? ErrorData { get; }
}

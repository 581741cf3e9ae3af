using System.Text.Json.Serialization;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>Log levels, least to most severe, as in RFC 5424 (UT-17).</summary>
[JsonConverter(typeof(LoggingLevelConverter))]
public enum LoggingLevel
{
    /// <summary><c>debug</c></summary>
    [JsonStringEnumMemberName("debug")]
    Debug,

    /// <summary><c>info</c></summary>
    [JsonStringEnumMemberName("info")]
    Info,

    /// <summary><c>notice</c></summary>
    [JsonStringEnumMemberName("notice")]
    Notice,

    /// <summary><c>warning</c></summary>
    [JsonStringEnumMemberName("warning")]
    Warning,

    /// <summary><c>error</c></summary>
    [JsonStringEnumMemberName("error")]
    Error,

    /// <summary><c>critical</c></summary>
    [JsonStringEnumMemberName("critical")]
    Critical,

    /// <summary><c>alert</c></summary>
    [JsonStringEnumMemberName("alert")]
    Alert,

    /// <summary><c>emergency</c></summary>
    [JsonStringEnumMemberName("emergency")]
    Emergency,
}

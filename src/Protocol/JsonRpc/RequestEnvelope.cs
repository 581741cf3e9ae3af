using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// What the reader picked out of <c>params</c> while it passed: the 2026-07-28 <c>_meta</c> envelope
/// (<c>io.modelcontextprotocol/protocolVersion</c>, <c>clientInfo</c>, <c>clientCapabilities</c>, <c>logLevel</c>),
/// the <c>progressToken</c>, <c>params.name</c> / <c>params.uri</c> / <c>params.arguments</c>, and whether MRTR fields
/// came along, so that the transport can check <c>MCP-Protocol-Version</c> and <c>Mcp-Name</c> and the server can
/// dispatch <c>tools/call</c> without a second parse. Values stay raw slices of the source.
/// </summary>
public readonly struct RequestEnvelope
{
    private readonly ReadOnlySequence<byte> _source;
    private readonly JsonSlice _meta;
    private readonly JsonSlice _protocolVersion;
    private readonly JsonSlice _clientInfo;
    private readonly JsonSlice _clientCapabilities;
    private readonly JsonSlice _logLevel;
    private readonly JsonSlice _name;
    private readonly JsonSlice _uri;
    private readonly JsonSlice _arguments;

    internal RequestEnvelope(
        ReadOnlySequence<byte> source, JsonSlice meta, JsonSlice protocolVersion, McpProtocolVersion knownVersion,
        JsonSlice clientInfo, JsonSlice clientCapabilities, JsonSlice logLevel, LoggingLevel? knownLogLevel, ProgressToken progressToken,
        bool invalidProgressToken, JsonSlice name, JsonSlice uri, JsonSlice arguments, bool hasInputFields)
    {
        _source = source;
        _meta = meta;
        _protocolVersion = protocolVersion;
        ProtocolVersion = knownVersion;
        _clientInfo = clientInfo;
        _clientCapabilities = clientCapabilities;
        _logLevel = logLevel;
        LogLevel = knownLogLevel;
        ProgressToken = progressToken;
        HasInvalidProgressToken = invalidProgressToken;
        _name = name;
        _uri = uri;
        _arguments = arguments;
        HasInputFields = hasInputFields;
    }

    /// <summary>Whether <c>params._meta</c> is present (of any JSON type).</summary>
    public bool HasMeta => _meta.IsPresent;

    /// <summary>The JSON type of <c>params._meta</c>, or <see cref="JsonValueKind.Undefined"/> when absent.</summary>
    public JsonValueKind MetaKind => KindOf(_meta);

    /// <summary>Whether <c>io.modelcontextprotocol/protocolVersion</c> is present in <c>_meta</c> (of any JSON type).</summary>
    public bool HasProtocolVersion => _protocolVersion.IsPresent;

    /// <summary>The JSON type of the protocol version claim.</summary>
    public JsonValueKind ProtocolVersionKind => KindOf(_protocolVersion);

    /// <summary>The claimed version when it is a string naming a version this library knows; otherwise <see cref="McpProtocolVersion.Unknown"/>.</summary>
    public McpProtocolVersion ProtocolVersion { get; }

    /// <summary>The JSON type of <c>io.modelcontextprotocol/clientCapabilities</c>.</summary>
    public JsonValueKind ClientCapabilitiesKind => KindOf(_clientCapabilities);

    /// <summary>The raw <c>io.modelcontextprotocol/clientCapabilities</c> value, or empty.</summary>
    public ReadOnlySequence<byte> ClientCapabilities => Slice(_clientCapabilities);

    /// <summary>The JSON type of <c>io.modelcontextprotocol/clientInfo</c>.</summary>
    public JsonValueKind ClientInfoKind => KindOf(_clientInfo);

    /// <summary>The raw <c>io.modelcontextprotocol/clientInfo</c> value, or empty.</summary>
    public ReadOnlySequence<byte> ClientInfo => Slice(_clientInfo);

    /// <summary>The JSON type of <c>io.modelcontextprotocol/logLevel</c>.</summary>
    public JsonValueKind LogLevelKind => KindOf(_logLevel);

    /// <summary>
    /// The <c>io.modelcontextprotocol/logLevel</c> when it is a string naming a level (read as the message was read);
    /// null when absent or not a level (<see cref="LogLevelKind"/> tells those apart).
    /// </summary>
    public LoggingLevel? LogLevel { get; }

    /// <summary>The <c>progressToken</c> from <c>_meta</c>, or none.</summary>
    public ProgressToken ProgressToken { get; }

    /// <summary>Whether <c>progressToken</c> was present but not a string or an integer.</summary>
    public bool HasInvalidProgressToken { get; }

    /// <summary>The JSON type of <c>params.name</c>.</summary>
    public JsonValueKind NameKind => KindOf(_name);

    /// <summary>The JSON type of <c>params.arguments</c> (the last one, when repeated).</summary>
    public JsonValueKind ArgumentsKind => KindOf(_arguments);

    /// <summary>The raw <c>params.arguments</c> value, or empty.</summary>
    public ReadOnlySequence<byte> Arguments => Slice(_arguments);

    /// <summary>Whether <c>params</c> carries <c>inputResponses</c> or <c>requestState</c> (a 2026-07-28 MRTR retry).</summary>
    public bool HasInputFields { get; }

    /// <summary>The JSON type of <c>params.uri</c>.</summary>
    public JsonValueKind UriKind => KindOf(_uri);

    /// <summary>The claimed protocol version as a string, or null when absent or not a string.</summary>
    public string? GetProtocolVersionString() => GetString(_protocolVersion);

    /// <summary>The log level as a string, or null when absent or not a string.</summary>
    public string? GetLogLevelString() => GetString(_logLevel);

    /// <summary>Returns <c>params.name</c> when it is a string; otherwise null.</summary>
    public string? GetName() => GetString(_name);

    /// <summary>Returns <c>params.uri</c> when it is a string; otherwise null.</summary>
    public string? GetUri() => GetString(_uri);

    /// <summary>Whether <c>params.name</c> is a string equal to the UTF-8 text, without allocating.</summary>
    public bool NameEquals(ReadOnlySpan<byte> utf8) => StringEquals(_name, utf8);

    /// <summary>Whether <c>params.uri</c> is a string equal to the UTF-8 text, without allocating.</summary>
    public bool UriEquals(ReadOnlySpan<byte> utf8) => StringEquals(_uri, utf8);

    /// <summary>Whether the protocol version claim is a string equal to the UTF-8 text, without allocating.</summary>
    public bool ProtocolVersionEquals(ReadOnlySpan<byte> utf8) => StringEquals(_protocolVersion, utf8);

    /// <summary>Whether the protocol version claim is a string equal to the text, without allocating.</summary>
    public bool ProtocolVersionEquals(string text) => StringEquals(_protocolVersion, text);

    /// <summary>Whether <c>params.name</c> is a string equal to the text.</summary>
    public bool NameEquals(string text) => StringEquals(_name, text);

    /// <summary>Whether <c>params.uri</c> is a string equal to the text.</summary>
    public bool UriEquals(string text) => StringEquals(_uri, text);

    internal void Cover(ref long start, ref long end)
    {
        JsonRpcMessage.Cover(_meta, ref start, ref end);
        JsonRpcMessage.Cover(_name, ref start, ref end);
        JsonRpcMessage.Cover(_uri, ref start, ref end);
        JsonRpcMessage.Cover(_arguments, ref start, ref end);
    }

    internal RequestEnvelope Rebase(ReadOnlySequence<byte> copy, long by) => new(
        copy,
        JsonRpcMessage.Shift(_meta, by), JsonRpcMessage.Shift(_protocolVersion, by), ProtocolVersion,
        JsonRpcMessage.Shift(_clientInfo, by), JsonRpcMessage.Shift(_clientCapabilities, by), JsonRpcMessage.Shift(_logLevel, by), LogLevel,
        ProgressToken, HasInvalidProgressToken, JsonRpcMessage.Shift(_name, by), JsonRpcMessage.Shift(_uri, by),
        JsonRpcMessage.Shift(_arguments, by), HasInputFields);

    private ReadOnlySequence<byte> Slice(JsonSlice slice) => slice.IsPresent ? _source.Slice(slice.Start, slice.Length) : default;

    private JsonValueKind KindOf(JsonSlice slice)
    {
        if (!slice.IsPresent)
        {
            return JsonValueKind.Undefined;
        }

        var first = _source.Slice(slice.Start, 1).FirstSpan[0];
        return first switch
        {
            (byte)'{' => JsonValueKind.Object,
            (byte)'[' => JsonValueKind.Array,
            (byte)'"' => JsonValueKind.String,
            (byte)'t' => JsonValueKind.True,
            (byte)'f' => JsonValueKind.False,
            (byte)'n' => JsonValueKind.Null,
            _ => JsonValueKind.Number,
        };
    }

    private string? GetString(JsonSlice slice)
    {
        if (KindOf(slice) != JsonValueKind.String)
        {
            return null;
        }

        var reader = new Utf8JsonReader(Slice(slice));
        reader.Read();
        return reader.GetString();
    }

    private bool StringEquals(JsonSlice slice, ReadOnlySpan<byte> utf8)
    {
        if (KindOf(slice) != JsonValueKind.String)
        {
            return false;
        }

        var reader = new Utf8JsonReader(Slice(slice));
        reader.Read();
        return reader.ValueTextEquals(utf8);
    }

    private bool StringEquals(JsonSlice slice, string text)
    {
        if (KindOf(slice) != JsonValueKind.String)
        {
            return false;
        }

        var reader = new Utf8JsonReader(Slice(slice));
        reader.Read();
        return reader.ValueTextEquals(text);
    }
}

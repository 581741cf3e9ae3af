// Over 400 lines by design: the one forward pass over a message object (its members, the params envelope picked out
// on the way, the defects found) is one state machine on the hot path; split, its loop would cross files.
using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.JsonRpc;

public static partial class JsonRpcReader
{
    [Flags]
    private enum Member
    {
        Other = 0,
        JsonRpc = 1,
        Id = 2,
        Method = 4,
        Params = 8,
        Result = 16,
        Error = 32,
    }

    [Flags]
    private enum Defect
    {
        None = 0,
        Duplicate = 1,
        Version = 2,
        Id = 4,
        Method = 8,
        Params = 16,
        ErrorObject = 32,
        NullParams = 64,
    }

    private static Member MatchMember(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var name = reader.ValueSpan;
            switch (name.Length)
            {
                case 2:
                    return name.SequenceEqual(JsonRpcNames.Id) ? Member.Id : Member.Other;
                case 5:
                    return name.SequenceEqual(JsonRpcNames.Error) ? Member.Error : Member.Other;
                case 6:
                    return name.SequenceEqual(JsonRpcNames.Method) ? Member.Method
                        : name.SequenceEqual(JsonRpcNames.Params) ? Member.Params
                        : name.SequenceEqual(JsonRpcNames.Result) ? Member.Result
                        : Member.Other;
                case 7:
                    return name.SequenceEqual(JsonRpcNames.JsonRpc) ? Member.JsonRpc : Member.Other;
                default:
                    return Member.Other;
            }
        }

        // Escaped or split names: ValueTextEquals unescapes as it compares.
        return reader.ValueTextEquals(JsonRpcNames.JsonRpc) ? Member.JsonRpc
            : reader.ValueTextEquals(JsonRpcNames.Id) ? Member.Id
            : reader.ValueTextEquals(JsonRpcNames.Method) ? Member.Method
            : reader.ValueTextEquals(JsonRpcNames.Params) ? Member.Params
            : reader.ValueTextEquals(JsonRpcNames.Result) ? Member.Result
            : reader.ValueTextEquals(JsonRpcNames.Error) ? Member.Error
            : Member.Other;
    }

    private static string MemberName(Member member) => member switch
    {
        Member.JsonRpc => "jsonrpc",
        Member.Id => "id",
        Member.Method => "method",
        Member.Params => "params",
        Member.Result => "result",
        _ => "error",
    };

    private static JsonRpcReadResult ReadObject(ref Utf8JsonReader reader, in ReadOnlySequence<byte> source, JsonRpcReaderOptions options)
    {
        Debug.Assert(reader.TokenType == JsonTokenType.StartObject);
        var maxDepth = options.MaxDepth;
        var seen = Member.Other;
        var defects = Defect.None;
        string? duplicate = null;

        var id = default(RequestId);
        var idNull = false;
        var method = McpMethod.Unknown;
        string? methodName = null;
        JsonSlice @params = default, result = default, errorData = default;
        var errorCode = 0;
        string? errorMessage = null;
        var envelope = new EnvelopeBuilder();

        // Every member is read even after a defect, so that malformed JSON later in the body still wins (-32700)
        // and the id can be echoed whatever order the members come in (JR-08).
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var member = MatchMember(ref reader);
            reader.Read();
            if (member != Member.Other)
            {
                if ((seen & member) != 0)
                {
                    defects |= Defect.Duplicate;
                    duplicate ??= MemberName(member);
                    SkipValue(ref reader, maxDepth);
                    continue;
                }

                seen |= member;
            }

            switch (member)
            {
                case Member.JsonRpc:
                    if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(JsonRpcNames.Version))
                    {
                        defects |= Defect.Version;
                        SkipValue(ref reader, maxDepth);
                    }

                    break;

                case Member.Id:
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        idNull = true;
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        id = new RequestId(GetStringChecked(ref reader));
                    }
                    else if (!RequestId.TryRead(ref reader, out id))
                    {
                        defects |= Defect.Id;
                        SkipValue(ref reader, maxDepth);
                    }

                    break;

                case Member.Method:
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        method = MatchMethod(ref reader, out methodName);
                    }
                    else
                    {
                        defects |= Defect.Method;
                        SkipValue(ref reader, maxDepth);
                    }

                    break;

                case Member.Params:
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        var start = reader.TokenStartIndex;
                        CheckDepth(ref reader, maxDepth);
                        if (!ScanParams(ref reader, ref envelope, maxDepth, out var dup))
                        {
                            defects |= Defect.Duplicate;
                            duplicate ??= dup;
                        }

                        @params = new JsonSlice((int)start, (int)(reader.BytesConsumed - start));
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        @params = SkipAndSlice(ref reader, maxDepth);
                    }
                    else
                    {
                        // JSON-RPC: params, when present, must be a structured value; null is told apart (-32602).
                        defects |= reader.TokenType == JsonTokenType.Null ? Defect.NullParams : Defect.Params;
                    }

                    break;

                case Member.Result:
                    result = SkipAndSlice(ref reader, maxDepth);
                    break;

                case Member.Error:
                    if (!ReadErrorObject(ref reader, maxDepth, out errorCode, out errorMessage, out errorData))
                    {
                        defects |= Defect.ErrorObject;
                    }

                    break;

                default:
                    SkipValue(ref reader, maxDepth);
                    break;
            }
        }

        var hasId = (seen & Member.Id) != 0 && !idNull && (defects & Defect.Id) == 0;
        var echoId = hasId ? id : default;

        JsonRpcReadErrorReason reason;
        JsonRpcMessageKind kind = default;
        if (defects != Defect.None)
        {
            reason = (defects & Defect.Duplicate) != 0 ? JsonRpcReadErrorReason.DuplicateMember
                : (defects & Defect.Version) != 0 ? JsonRpcReadErrorReason.InvalidVersion
                : (defects & Defect.Id) != 0 ? JsonRpcReadErrorReason.InvalidId
                : (defects & Defect.Method) != 0 ? JsonRpcReadErrorReason.InvalidMethod
                : (defects & Defect.Params) != 0 ? JsonRpcReadErrorReason.InvalidParams
                : (defects & Defect.NullParams) != 0 ? JsonRpcReadErrorReason.NullParams
                : JsonRpcReadErrorReason.InvalidErrorObject;
        }
        else if ((seen & Member.JsonRpc) == 0)
        {
            reason = JsonRpcReadErrorReason.MissingVersion;
        }
        else if ((seen & Member.Method) != 0)
        {
            if ((seen & (Member.Result | Member.Error)) != 0)
            {
                reason = JsonRpcReadErrorReason.RequestWithResult;
            }
            else if (idNull)
            {
                reason = JsonRpcReadErrorReason.NullRequestId;
            }
            else
            {
                reason = JsonRpcReadErrorReason.None;
                kind = hasId ? JsonRpcMessageKind.Request : JsonRpcMessageKind.Notification;
            }
        }
        else if ((seen & Member.Result) != 0 && (seen & Member.Error) != 0)
        {
            reason = JsonRpcReadErrorReason.ResultAndError;
        }
        else if ((seen & Member.Result) != 0)
        {
            reason = hasId ? JsonRpcReadErrorReason.None : JsonRpcReadErrorReason.ResponseWithoutId;
            kind = JsonRpcMessageKind.Response;
        }
        else if ((seen & Member.Error) != 0)
        {
            // An error response may have a null or absent id when the request's id could not be read (JR-08).
            reason = JsonRpcReadErrorReason.None;
            kind = JsonRpcMessageKind.ErrorResponse;
        }
        else
        {
            reason = JsonRpcReadErrorReason.NoMethodResultOrError;
        }

        if (reason != JsonRpcReadErrorReason.None)
        {
            return new JsonRpcReadResult(new JsonRpcReadError(reason, echoId, duplicate));
        }

        if (kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse)
        {
            methodName = null;
            method = McpMethod.Unknown;
        }

        var message = new JsonRpcMessage(
            source, kind, echoId, method, methodName, @params, result, errorCode, errorMessage, errorData,
            envelope.Build(source));
        return new JsonRpcReadResult(message);
    }

    private static McpMethod MatchMethod(ref Utf8JsonReader reader, out string methodName)
    {
        Span<byte> scratch = stackalloc byte[McpMethods.MaxKnownLength];
        var length = CopyShortString(ref reader, scratch);
        if (length >= 0 && McpMethods.TryMatch(scratch[..length], out var method))
        {
            methodName = McpMethods.GetName(method)!;
            return method;
        }

        // Unknown methods are rare; their name is the one allocation they cost.
        methodName = GetStringChecked(ref reader);
        return McpMethod.Unknown;
    }

    private static bool ReadErrorObject(ref Utf8JsonReader reader, int maxDepth, out int code, out string? message, out JsonSlice data)
    {
        code = 0;
        message = null;
        data = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipValue(ref reader, maxDepth);
            return false;
        }

        CheckDepth(ref reader, maxDepth);
        var hasCode = false;
        var codeValid = true;
        var messageValid = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals(JsonRpcNames.Code))
            {
                reader.Read();
                hasCode = true;
                codeValid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out code);
                SkipValue(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals(JsonRpcNames.Message))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    message = GetStringChecked(ref reader);
                }
                else
                {
                    messageValid = false;
                    SkipValue(ref reader, maxDepth);
                }
            }
            else if (reader.ValueTextEquals(JsonRpcNames.Data))
            {
                reader.Read();
                data = SkipAndSlice(ref reader, maxDepth);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader, maxDepth);
            }
        }

        return hasCode && codeValid && messageValid && message is not null;
    }

    /// <summary>
    /// Walks <c>params</c> (an object) once: picks out <c>_meta</c>, <c>name</c>, <c>uri</c> and <c>arguments</c>, notes
    /// whether MRTR's <c>inputResponses</c> or <c>requestState</c> came along, and skips the rest.
    /// Returns false when one of those appears twice.
    /// </summary>
    private static bool ScanParams(ref Utf8JsonReader reader, ref EnvelopeBuilder envelope, int maxDepth, out string? duplicate)
    {
        duplicate = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals(JsonRpcNames.Meta))
            {
                reader.Read();
                if (envelope.Meta.IsPresent)
                {
                    duplicate ??= "params._meta";
                }

                var start = reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    CheckDepth(ref reader, maxDepth);
                    ScanMeta(ref reader, ref envelope, maxDepth);
                }
                else
                {
                    SkipValue(ref reader, maxDepth);
                }

                envelope.Meta = new JsonSlice((int)start, (int)(reader.BytesConsumed - start));
            }
            else if (reader.ValueTextEquals(JsonRpcNames.Name))
            {
                reader.Read();
                if (envelope.Name.IsPresent)
                {
                    duplicate ??= "params.name";
                }

                envelope.Name = SliceCheckedValue(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals(JsonRpcNames.Uri))
            {
                reader.Read();
                if (envelope.Uri.IsPresent)
                {
                    duplicate ??= "params.uri";
                }

                envelope.Uri = SliceCheckedValue(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals(JsonRpcNames.Arguments))
            {
                // The last one wins, as in a DOM.
                reader.Read();
                envelope.Arguments = SkipAndSlice(ref reader, maxDepth);
            }
            else
            {
                envelope.HasInputFields |= reader.ValueTextEquals(JsonRpcNames.InputResponses) || reader.ValueTextEquals(JsonRpcNames.RequestState);
                reader.Read();
                SkipValue(ref reader, maxDepth);
            }
        }

        return duplicate is null;
    }

    private static void ScanMeta(ref Utf8JsonReader reader, ref EnvelopeBuilder envelope, int maxDepth)
    {
        Span<byte> scratch = stackalloc byte[16];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals(JsonRpcNames.ProgressToken))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    envelope.ProgressToken = new ProgressToken(new RequestId(GetStringChecked(ref reader)));
                    envelope.InvalidProgressToken = false;
                }
                else if (RequestId.TryRead(ref reader, out var token))
                {
                    envelope.ProgressToken = new ProgressToken(token);
                    envelope.InvalidProgressToken = false;
                }
                else
                {
                    envelope.ProgressToken = default;
                    envelope.InvalidProgressToken = true;
                    SkipValue(ref reader, maxDepth);
                }
            }
            else if (reader.ValueTextEquals(JsonRpcNames.MetaProtocolVersion))
            {
                reader.Read();
                envelope.KnownVersion = McpProtocolVersion.Unknown;
                if (reader.TokenType == JsonTokenType.String)
                {
                    var length = CopyShortString(ref reader, scratch);
                    if (length < 0 || !McpProtocolVersions.TryParse(scratch[..length], out envelope.KnownVersion))
                    {
                        envelope.KnownVersion = McpProtocolVersion.Unknown;
                    }
                }

                envelope.ProtocolVersion = SliceCheckedValue(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals(JsonRpcNames.MetaClientCapabilities))
            {
                reader.Read();
                envelope.ClientCapabilities = SkipAndSlice(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals(JsonRpcNames.MetaClientInfo))
            {
                reader.Read();
                envelope.ClientInfo = SkipAndSlice(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals(JsonRpcNames.MetaLogLevel))
            {
                reader.Read();
                envelope.KnownLogLevel = null;
                if (reader.TokenType == JsonTokenType.String)
                {
                    var length = CopyShortString(ref reader, scratch);
                    if (length >= 0 && LoggingLevels.TryParse(scratch[..length], out var level))
                    {
                        envelope.KnownLogLevel = level;
                    }
                }

                envelope.LogLevel = SliceCheckedValue(ref reader, maxDepth);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader, maxDepth);
            }
        }
    }

    /// <summary>Slices a value; a string is checked for invalid escapes so that reading it later cannot fail.</summary>
    private static JsonSlice SliceCheckedValue(ref Utf8JsonReader reader, int maxDepth)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            ValidateEscapes(ref reader);
        }

        return SkipAndSlice(ref reader, maxDepth);
    }

    private struct EnvelopeBuilder
    {
        public JsonSlice Meta;
        public JsonSlice ProtocolVersion;
        public McpProtocolVersion KnownVersion;
        public JsonSlice ClientInfo;
        public JsonSlice ClientCapabilities;
        public JsonSlice LogLevel;
        public LoggingLevel? KnownLogLevel;
        public ProgressToken ProgressToken;
        public bool InvalidProgressToken;
        public JsonSlice Name;
        public JsonSlice Uri;
        public JsonSlice Arguments;
        public bool HasInputFields;

        public readonly RequestEnvelope Build(in ReadOnlySequence<byte> source) => new(
            source, Meta, ProtocolVersion, KnownVersion, ClientInfo, ClientCapabilities, LogLevel, KnownLogLevel, ProgressToken,
            InvalidProgressToken, Name, Uri, Arguments, HasInputFields);
    }
}

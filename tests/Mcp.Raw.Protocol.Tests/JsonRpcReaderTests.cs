using System.Buffers;
using System.Text;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.Tests;

[TestFixture]
[CancelAfter(60_000)]
public sealed class JsonRpcReaderTests
{
    [Test]
    public void Read_Request_ClassifiesAndKeepsParamsRaw_JR01()
    {
        const string json = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi \u00e9"}}}""";
        ReaderAssert.Message(json, m =>
        {
            m.Kind.Should().Be(JsonRpcMessageKind.Request);
            m.Id.Should().Be(new RequestId(7));
            m.Method.Should().Be(McpMethod.ToolsCall);
            m.MethodName.Should().BeSameAs(McpMethods.ToolsCall);
            m.HasParams.Should().BeTrue();
            ReaderAssert.Utf8(m.Params).Should().Be("""{"name":"echo","arguments":{"text":"hi \u00e9"}}""");
            m.Envelope.GetName().Should().Be("echo");
            m.Envelope.NameEquals("echo"u8).Should().BeTrue();
            m.Envelope.NameEquals("Echo"u8).Should().BeFalse();
        });
    }

    [Test]
    public void Read_Notification_HasNoId_JR09()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", m =>
        {
            m.Kind.Should().Be(JsonRpcMessageKind.Notification);
            m.Id.IsNone.Should().BeTrue();
            m.Method.Should().Be(McpMethod.Initialized);
            m.HasParams.Should().BeFalse();
        });
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x"}""", RequestIdKind.Number, "1")]
    [TestCase("""{"jsonrpc":"2.0","id":"1","method":"x"}""", RequestIdKind.String, "1")]
    [TestCase("""{"jsonrpc":"2.0","id":-42,"method":"x"}""", RequestIdKind.Number, "-42")]
    [TestCase("""{"jsonrpc":"2.0","id":0,"method":"x"}""", RequestIdKind.Number, "0")]
    [TestCase("""{"jsonrpc":"2.0","id":"","method":"x"}""", RequestIdKind.String, "")]
    [TestCase("""{"jsonrpc":"2.0","id":9223372036854775807,"method":"x"}""", RequestIdKind.Number, "9223372036854775807")]
    [TestCase("""{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"x"}""", RequestIdKind.Number, "123456789012345678901234567890")]
    [TestCase("""{"jsonrpc":"2.0","id":-99999999999999999999999,"method":"x"}""", RequestIdKind.Number, "-99999999999999999999999")]
    [TestCase("""{"jsonrpc":"2.0","id":"\u0041\n","method":"x"}""", RequestIdKind.String, "A\n")]
    [TestCase("""{"jsonrpc":"2.0","id":"9223372036854775808","method":"x"}""", RequestIdKind.String, "9223372036854775808")]
    public void Read_Id_KeptExactlyAsSent_JR02(string json, RequestIdKind kind, string text)
    {
        ReaderAssert.Message(json, m =>
        {
            m.Id.Kind.Should().Be(kind);
            m.Id.ToString().Should().Be(text);
        });
    }

    [Test]
    public void RequestId_NumberAndStringAreDifferent_JR02()
    {
        new RequestId(1).Should().NotBe(new RequestId("1"));
        new RequestId(1).GetHashCode().Should().NotBe(0);
        (new RequestId(1) == new RequestId(1)).Should().BeTrue();
        RequestId.FromIntegerText("123456789012345678901234567890").Should().NotBe(new RequestId("123456789012345678901234567890"));
        RequestId.FromIntegerText("12").Should().Be(new RequestId(12));
        FluentActions.Invoking(() => RequestId.FromIntegerText("1.5")).Should().Throw<FormatException>();
        FluentActions.Invoking(() => RequestId.FromIntegerText("01")).Should().Throw<FormatException>();
    }

    [TestCase("""{"jsonrpc":"2.0","id":123456789012345678901234567890,"result":{}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"abc","result":{}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":-5,"result":{}}""")]
    public void Id_RoundTripsThroughWriter_ByteForByte_JR04(string response)
    {
        ReaderAssert.Message(response, m =>
        {
            using var buffer = new Buffers.PooledBufferWriter();
            using var writer = new JsonRpcWriter();
            writer.WriteResponse(buffer, m.Id, "{}"u8);
            Encoding.UTF8.GetString(buffer.WrittenSpan).Should().Be(response);
        });
    }

    [Test]
    public void Read_Response_And_ErrorResponse_JR05_JR07()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":3,"result":{"a":[1,2]}}""", m =>
        {
            m.Kind.Should().Be(JsonRpcMessageKind.Response);
            ReaderAssert.Utf8(m.Result).Should().Be("""{"a":[1,2]}""");
            m.MethodName.Should().BeNull();
        });
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":"x","error":{"code":-32601,"message":"Method not found","data":{"m":"q"}}}""", m =>
        {
            m.Kind.Should().Be(JsonRpcMessageKind.ErrorResponse);
            m.Id.Should().Be(new RequestId("x"));
            m.ErrorCode.Should().Be(JsonRpcErrorCode.MethodNotFound);
            m.ErrorMessage.Should().Be("Method not found");
            m.HasErrorData.Should().BeTrue();
            ReaderAssert.Utf8(m.ErrorData).Should().Be("""{"m":"q"}""");
        });
    }

    [Test]
    public void Read_EmptyResult_IsAnObject_JR06()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"result":{}}""", m => ReaderAssert.Utf8(m.Result).Should().Be("{}"));
    }

    [TestCase("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""")]
    [TestCase("""{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"}}""")]
    public void Read_ErrorResponse_WithNullOrAbsentId_IsAccepted_JR08(string json)
    {
        ReaderAssert.Message(json, m =>
        {
            m.Kind.Should().Be(JsonRpcMessageKind.ErrorResponse);
            m.Id.IsNone.Should().BeTrue();
            m.ErrorCode.Should().Be(JsonRpcErrorCode.ParseError);
        });
    }

    [TestCase("""{"jsonrpc":"1.0","id":17,"method":"x"}""", 17L)]
    [TestCase("""{"method":7,"jsonrpc":"2.0","id":18}""", 18L)]
    [TestCase("""{"params":"bad","jsonrpc":"2.0","method":"x","id":19}""", 19L)]
    [TestCase("""{"jsonrpc":"2.0","method":"x","result":{},"id":20}""", 20L)]
    public void Read_InvalidRequest_EchoesReadableId_JR08_MVR18(string json, long id)
    {
        ReaderAssert.Refused(Encoding.UTF8.GetBytes(json), JsonRpcErrorCode.InvalidRequest, check: e => e.Id.Should().Be(new RequestId(id)));
    }

    [TestCase("""{"jsonrpc":"2.0","id":{"a":1},"method":"x"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1.5,"method":"x"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":null,"method":"x"}""")]
    public void Read_UnreadableId_ErrorHasNoId_JR08(string json)
    {
        ReaderAssert.Refused(Encoding.UTF8.GetBytes(json), JsonRpcErrorCode.InvalidRequest, check: e => e.Id.IsNone.Should().BeTrue());
    }

    [Test]
    public void ErrorCodes_HaveSpecValues_JR10_JR11_MVR17()
    {
        JsonRpcErrorCode.ParseError.Should().Be(-32700);
        JsonRpcErrorCode.InvalidRequest.Should().Be(-32600);
        JsonRpcErrorCode.MethodNotFound.Should().Be(-32601);
        JsonRpcErrorCode.InvalidParams.Should().Be(-32602);
        JsonRpcErrorCode.InternalError.Should().Be(-32603);
        JsonRpcErrorCode.ResourceNotFound.Should().Be(-32002);
        JsonRpcErrorCode.SessionNotFound.Should().Be(-32001);
        JsonRpcErrorCode.UrlElicitationRequired.Should().Be(-32042);
        JsonRpcErrorCode.UserRejected.Should().Be(-1);
        // 2026-07-28 reserves -32020..-32099 for the spec and defines exactly these three.
        JsonRpcErrorCode.HeaderMismatch.Should().Be(-32020);
        JsonRpcErrorCode.MissingRequiredClientCapability.Should().Be(-32021);
        JsonRpcErrorCode.UnsupportedProtocolVersion.Should().Be(-32022);
    }

    [Test]
    public void Read_Batch_EachElementJudgedOnItsOwn_JR12()
    {
        const string json = """[{"jsonrpc":"2.0","id":1,"method":"ping"},1,{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"1.0","id":4,"method":"x"},{"jsonrpc":"2.0","id":5,"result":{}}]""";
        ReaderAssert.ForAllShapes(json, (payload, shape) =>
        {
            payload.HasBodyError.Should().BeFalse(shape);
            payload.IsBatch.Should().BeTrue();
            payload.Count.Should().Be(5);
            payload[0].Message.Method.Should().Be(McpMethod.Ping);
            payload[1].IsValid.Should().BeFalse();
            payload[1].Error.Reason.Should().Be(JsonRpcReadErrorReason.NotAnObject);
            payload[2].Message.Kind.Should().Be(JsonRpcMessageKind.Notification);
            payload[3].Error.Code.Should().Be(JsonRpcErrorCode.InvalidRequest);
            payload[3].Error.Id.Should().Be(new RequestId(4));
            payload[4].Message.Kind.Should().Be(JsonRpcMessageKind.Response);
        });
    }

    [Test]
    public void Read_EmptyBatch_IsInvalidRequest_JR12()
    {
        ReaderAssert.Refused("[]"u8.ToArray(), JsonRpcErrorCode.InvalidRequest, check: e => e.Reason.Should().Be(JsonRpcReadErrorReason.EmptyBatch));
        ReaderAssert.Refused(" [ ] "u8.ToArray(), JsonRpcErrorCode.InvalidRequest);
    }

    [Test]
    public void Read_BatchWithSyntaxErrorAnywhere_IsOneParseError_JR12()
    {
        ReaderAssert.Refused("""[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"},{]"""u8.ToArray(), JsonRpcErrorCode.ParseError);
    }

    [Test]
    public void Read_Batch_WhenBatchesNotAllowed_IsRefused_JR14()
    {
        var options = new JsonRpcReaderOptions { AllowBatches = false };
        ReaderAssert.Refused("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]"""u8.ToArray(), JsonRpcErrorCode.InvalidRequest, options,
            e => e.Reason.Should().Be(JsonRpcReadErrorReason.BatchNotAllowed));
    }

    [Test]
    public void Read_BatchLongerThanLimit_IsRefused()
    {
        var options = new JsonRpcReaderOptions { MaxBatchLength = 2 };
        var json = "[" + string.Join(",", Enumerable.Repeat("""{"jsonrpc":"2.0","method":"a"}""", 3)) + "]";
        ReaderAssert.Refused(Encoding.UTF8.GetBytes(json), JsonRpcErrorCode.InvalidRequest, options, e =>
        {
            e.Reason.Should().Be(JsonRpcReadErrorReason.BatchTooLarge);
            e.Message.Should().Contain("2");
        });
    }

    [Test]
    public void Read_ProgressTokenInMeta_JR16_UT01()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":"tok-1"},"name":"p"}}""",
            m => m.Envelope.ProgressToken.Should().Be(new ProgressToken("tok-1")));
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"p","_meta":{"progressToken":12345678901234567890123}}}""", m =>
        {
            m.Envelope.ProgressToken.Value.IsNumber.Should().BeTrue();
            m.Envelope.ProgressToken.ToString().Should().Be("12345678901234567890123");
        });
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":1.5}}}""", m =>
        {
            m.Envelope.ProgressToken.IsNone.Should().BeTrue();
            m.Envelope.HasInvalidProgressToken.Should().BeTrue();
        });
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"abc"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":[1,2]}""")]
    public void Read_ParamsAbsentEmptyOrMetaOnly_AreAccepted_JR17(string json)
    {
        ReaderAssert.Message(json, m => m.Kind.Should().Be(JsonRpcMessageKind.Request));
    }

    [Test]
    public void Read_UnknownMethod_KeepsItsName_JR17()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"vendor/doThing"}""", m =>
        {
            m.Method.Should().Be(McpMethod.Unknown);
            m.MethodName.Should().Be("vendor/doThing");
        });
    }

    [Test]
    public void Read_EscapedMethodAndMemberNames_AreMatched()
    {
        ReaderAssert.Message("""{"\u006asonrpc":"2.0","i\u0064":1,"method":"tools\/call","par\u0061ms":{"n\u0061me":"\u0065cho"}}""", m =>
        {
            m.Method.Should().Be(McpMethod.ToolsCall);
            m.Envelope.NameEquals("echo").Should().BeTrue();
        });
    }

    [Test]
    public void Read_ToolsCall_ArgumentsAndMrtrFields_ArePickedOutInTheOnePass_SV04_MMR08()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"a":[1]},"name":"echo","arguments":{"text":"hi"}}}""", m =>
        {
            m.Envelope.ArgumentsKind.Should().Be(JsonValueKind.Object);
            ReaderAssert.Utf8(m.Envelope.Arguments).Should().Be("""{"text":"hi"}""", "the last of a repeated member wins, as in a DOM");
            m.Envelope.HasInputFields.Should().BeFalse();
            var detached = m.Detach();
            ReaderAssert.Utf8(detached.Envelope.Arguments).Should().Be("""{"text":"hi"}""", "a detached copy keeps the slice");
        });
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":null,"requestState":"x"}}""", m =>
        {
            m.Envelope.ArgumentsKind.Should().Be(JsonValueKind.Null);
            m.Envelope.HasInputFields.Should().BeTrue();
        });
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","inputResponses":{}}}""", m =>
        {
            m.Envelope.ArgumentsKind.Should().Be(JsonValueKind.Undefined);
            m.Envelope.HasInputFields.Should().BeTrue();
        });
    }

    [TestCase("\"info\"", LoggingLevel.Info, JsonValueKind.String)]
    [TestCase("\"\\u0065mergency\"", LoggingLevel.Emergency, JsonValueKind.String)]
    [TestCase("\"INFO\"", null, JsonValueKind.String)]
    [TestCase("\"verbose\"", null, JsonValueKind.String)]
    [TestCase("3", null, JsonValueKind.Number)]
    public void Read_ModernLogLevel_IsParsedInTheOnePass_MSV12(string value, LoggingLevel? expected, JsonValueKind kind)
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/logLevel":""" + value + "}}}", m =>
        {
            m.Envelope.LogLevel.Should().Be(expected);
            m.Envelope.LogLevelKind.Should().Be(kind);
            m.Detach().Envelope.LogLevel.Should().Be(expected);
        });
    }

    [Test]
    public void Read_Response_ByIdOnly_ForRouting_JR18()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":"srv-1","result":{"action":"accept","content":{"x":1}}}""", m =>
        {
            m.Kind.Should().Be(JsonRpcMessageKind.Response);
            m.Id.Should().Be(new RequestId("srv-1"));
        });
    }

    [Test]
    public void Read_UnknownTopLevelMembers_AreIgnored()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","extra":{"deep":[1,{"a":null}]},"id":1,"method":"ping"}""", m => m.Method.Should().Be(McpMethod.Ping));
    }

    [Test]
    public void Read_ModernEnvelope_MRQ01_MRQ02_MRQ03()
    {
        const string json = """
            {"jsonrpc":"2.0","id":"r1","method":"tools/call","params":{"name":"echo","arguments":{"text":"x"},
             "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                      "io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"},
                      "io.modelcontextprotocol/clientCapabilities":{"elicitation":{}},
                      "io.modelcontextprotocol/logLevel":"info","progressToken":5}}}
            """;
        ReaderAssert.Message(json, m =>
        {
            var e = m.Envelope;
            e.HasMeta.Should().BeTrue();
            e.MetaKind.Should().Be(JsonValueKind.Object);
            e.ProtocolVersion.Should().Be(McpProtocolVersion.V2026_07_28);
            e.GetProtocolVersionString().Should().Be("2026-07-28");
            e.ProtocolVersionEquals("2026-07-28"u8).Should().BeTrue();
            e.ClientInfoKind.Should().Be(JsonValueKind.Object);
            ReaderAssert.Utf8(e.ClientInfo).Should().Be("""{"name":"c","version":"1"}""");
            e.ClientCapabilitiesKind.Should().Be(JsonValueKind.Object);
            ReaderAssert.Utf8(e.ClientCapabilities).Should().Be("""{"elicitation":{}}""");
            e.GetLogLevelString().Should().Be("info");
            e.ProgressToken.Should().Be(new ProgressToken(5));
            e.GetName().Should().Be("echo");
        });
    }

    [Test]
    public void Read_ModernEnvelope_MissingOrWrongTypes_AreReportedNotRefused_MVR06()
    {
        // The reader reports what it saw; the transport turns absence into -32602 and mismatch into -32020.
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728,"io.modelcontextprotocol/clientCapabilities":"x"}}}""", m =>
        {
            m.Envelope.HasProtocolVersion.Should().BeTrue();
            m.Envelope.ProtocolVersionKind.Should().Be(JsonValueKind.Number);
            m.Envelope.ProtocolVersion.Should().Be(McpProtocolVersion.Unknown);
            m.Envelope.GetProtocolVersionString().Should().BeNull();
            m.Envelope.ClientCapabilitiesKind.Should().Be(JsonValueKind.String);
            m.Envelope.ClientInfoKind.Should().Be(JsonValueKind.Undefined);
        });
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":null}}""", m =>
        {
            m.Envelope.HasMeta.Should().BeTrue();
            m.Envelope.MetaKind.Should().Be(JsonValueKind.Null);
            m.Envelope.HasProtocolVersion.Should().BeFalse();
        });
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2027-01-01"}}}""", m =>
        {
            m.Envelope.ProtocolVersion.Should().Be(McpProtocolVersion.Unknown);
            m.Envelope.GetProtocolVersionString().Should().Be("2027-01-01");
        });
    }

    [Test]
    public void Read_ResourcesRead_ExposesUri()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"test://static-text"}}""", m =>
        {
            m.Envelope.GetUri().Should().Be("test://static-text");
            m.Envelope.UriEquals("test://static-text"u8).Should().BeTrue();
            m.Envelope.NameKind.Should().Be(JsonValueKind.Undefined);
        });
    }

    [Test]
    public void Read_DuplicateParamsName_IsRefused_NoSmuggling()
    {
        ReaderAssert.Refused("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","name":"b"}}"""u8.ToArray(), JsonRpcErrorCode.InvalidRequest,
            check: e => e.Message.Should().Contain("params.name"));
    }

    [Test]
    public void Read_MessageOverSizeLimit_IsRefusedBeforeParsing()
    {
        var options = new JsonRpcReaderOptions { MaxMessageBytes = 64 };
        var json = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"p":" """ + new string('a', 100) + "\"}}");
        ReaderAssert.Refused(json, JsonRpcErrorCode.InvalidRequest, options, e =>
        {
            e.Reason.Should().Be(JsonRpcReadErrorReason.MessageTooLarge);
            e.Message.Should().Contain("64");
        });
        // Even when the over-limit part is not JSON at all: the limit is checked before any parsing.
        var garbage = new byte[100];
        ReaderAssert.Refused(garbage, JsonRpcErrorCode.InvalidRequest, options, e => e.Reason.Should().Be(JsonRpcReadErrorReason.MessageTooLarge));
    }

    [Test]
    public void Read_NestingDeeperThanLimit_IsRefused()
    {
        var options = new JsonRpcReaderOptions { MaxDepth = 10 };
        string Nest(int depth) => """{"jsonrpc":"2.0","id":1,"method":"x","params":""" + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        // Depth counts the top-level object as 1 and params as 2.
        ReaderAssert.Message(Nest(10), m => m.HasParams.Should().BeTrue());
        ReaderAssert.ForAllShapes(Nest(10), (p, s) => p.HasBodyError.Should().BeFalse(s), options);
        ReaderAssert.Refused(Encoding.UTF8.GetBytes(Nest(11)), JsonRpcErrorCode.InvalidRequest, options, e =>
        {
            e.Reason.Should().Be(JsonRpcReadErrorReason.DepthLimitExceeded);
            e.Message.Should().Contain("10");
        });
    }

    [Test]
    public void Read_DeepNestingWithinMeta_IsBounded()
    {
        var options = new JsonRpcReaderOptions { MaxDepth = 8 };
        var json = """{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{"io.modelcontextprotocol/clientCapabilities":""" + new string('[', 20) + new string(']', 20) + "}}}";
        ReaderAssert.Refused(Encoding.UTF8.GetBytes(json), JsonRpcErrorCode.InvalidRequest, options, e => e.Reason.Should().Be(JsonRpcReadErrorReason.DepthLimitExceeded));
    }

    [Test]
    public void ErrorMessages_NeverEchoLongInput()
    {
        var longMethod = new string('x', 10_000);
        var inputs = new[]
        {
            """{"jsonrpc":" """ + longMethod + "\"}",
            """{"jsonrpc":"2.0","id":1,"method":"x","params":" """ + longMethod + "\"}",
            "{\"" + longMethod,
            longMethod,
        };
        foreach (var input in inputs)
        {
            var payload = JsonRpcReader.Read(Encoding.UTF8.GetBytes(input));
            var error = payload.HasBodyError ? payload.BodyError : payload.Single.Error;
            error.Message.Length.Should().BeLessThan(200);
            error.Message.Should().NotContain("xxxxxxxxxx");
        }
    }

    [Test]
    public void Detach_KeepsMessageValidAfterSourceIsOverwritten()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""");
        JsonRpcReader.TryReadMessage(new ReadOnlySequence<byte>(bytes), out var message, out _).Should().BeTrue();
        var detached = message.Detach();
        Array.Fill(bytes, (byte)' ');
        ReaderAssert.Utf8(detached.Params).Should().StartWith("""{"name":"echo",""");
        detached.Envelope.GetName().Should().Be("echo");
        detached.Envelope.GetProtocolVersionString().Should().Be("2026-07-28");
    }

    [Test]
    public void TryReadMessage_RefusesBatch_AndReportsId()
    {
        JsonRpcReader.TryReadMessage(new ReadOnlySequence<byte>("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]"""u8.ToArray()), out _, out var error).Should().BeFalse();
        error.Reason.Should().Be(JsonRpcReadErrorReason.BatchNotAllowed);
        JsonRpcReader.TryReadMessage(new ReadOnlySequence<byte>("""{"jsonrpc":"2.0","id":9,"method":5}"""u8.ToArray()), out _, out error).Should().BeFalse();
        error.Id.Should().Be(new RequestId(9));
        error.Reason.Should().Be(JsonRpcReadErrorReason.InvalidMethod);
    }

    [Test]
    public void DeserializeParams_LazyTypedRead()
    {
        ReaderAssert.Message("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}""", m =>
        {
            var p = m.DeserializeParams(Mcp.McpJsonContext.Default.CallToolRequestParams);
            p!.Name.Should().Be("echo");
            p.Arguments!.Value.GetProperty("text").GetString().Should().Be("hi");
        });
    }
}

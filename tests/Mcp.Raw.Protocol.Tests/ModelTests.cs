using System.Text;
using System.Text.Json;
using Mcp.Raw.Protocol.Buffers;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.Tests;

/// <summary>The MCP message model: source-generated (de)serialization of every era's shapes.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ModelTests
{
    private static string Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);

    private static JsonElement El(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Test]
    public void InitializeResult_NoModernMembers_MVR22_LC03()
    {
        var result = new InitializeResult
        {
            ProtocolVersion = "2025-11-25",
            Capabilities = new ServerCapabilities { Tools = new CapabilityOptions { ListChanged = true }, Logging = El("{}") },
            ServerInfo = new Implementation { Name = "mcp-raw", Version = "1.0" },
            Instructions = "hi",
        };
        Json(result, McpJsonContext.Default.InitializeResult).Should().Be(
            """{"protocolVersion":"2025-11-25","capabilities":{"logging":{},"tools":{"listChanged":true}},"serverInfo":{"name":"mcp-raw","version":"1.0"},"instructions":"hi"}""");
    }

    [Test]
    public void InitializeRequestParams_MissingRequired_Throws_LC02()
    {
        FluentActions.Invoking(() => JsonSerializer.Deserialize("""{"protocolVersion":"2025-06-18","capabilities":{}}""", McpJsonContext.Default.InitializeRequestParams))
            .Should().Throw<JsonException>().WithMessage("*clientInfo*");
    }

    [Test]
    public void DiscoverResult_Shape_MRQ09_MSV03()
    {
        var result = new DiscoverResult
        {
            ResultType = ResultTypes.Complete,
            SupportedVersions = ["2026-07-28"],
            Capabilities = new ServerCapabilities { Tools = new CapabilityOptions(), Prompts = new CapabilityOptions { ListChanged = true } },
            TtlMs = 0,
            CacheScope = CacheScopes.Private,
            Meta = El("""{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}"""),
        };
        Json(result, McpJsonContext.Default.DiscoverResult).Should().Be(
            """{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":{"prompts":{"listChanged":true},"tools":{}},"ttlMs":0,"cacheScope":"private","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}}""");
    }

    [Test]
    public void Capabilities_UnknownMembersKept_MRQ11()
    {
        var caps = JsonSerializer.Deserialize("""{"roots":{"listChanged":true,"x":1},"elicitation":{"form":{},"url":{}},"sampling":{"tools":{}},"extensions":{"io.modelcontextprotocol/tasks":{}}}""", McpJsonContext.Default.ClientCapabilities)!;
        caps.Roots!.ListChanged.Should().BeTrue();
        caps.Roots.Extra!.Should().ContainKey("x");
        caps.Elicitation!.Value.TryGetProperty("url", out _).Should().BeTrue();
        caps.Extensions.Should().ContainKey("io.modelcontextprotocol/tasks");
        Json(caps, McpJsonContext.Default.ClientCapabilities).Should().Contain("\"x\":1");
    }

    [Test]
    public void ContentBlocks_Polymorphic_AnyDiscriminatorPosition_SV05()
    {
        const string json = """
            {"content":[
              {"type":"text","text":"hi","annotations":{"audience":["user"],"priority":0.5}},
              {"data":"iVBORw0KGgo=","type":"image","mimeType":"image/png"},
              {"type":"audio","data":"UklGRg==","mimeType":"audio/wav"},
              {"type":"resource_link","uri":"file:///a.txt","name":"a","size":3},
              {"type":"resource","resource":{"uri":"test://x","mimeType":"application/json","text":"{}"}}
            ],"structuredContent":{"n":1},"isError":false}
            """;
        var result = JsonSerializer.Deserialize(json, McpJsonContext.Default.CallToolResult)!;
        result.Content.Select(c => c.GetType()).Should().Equal(typeof(TextContent), typeof(ImageContent), typeof(AudioContent), typeof(ResourceLink), typeof(EmbeddedResource));
        ((TextContent)result.Content[0]).Annotations!.Priority.Should().Be(0.5);
        ((EmbeddedResource)result.Content[4]).Resource.Text.Should().Be("{}");
        var back = Json(result, McpJsonContext.Default.CallToolResult);
        back.Should().StartWith("""{"content":[{"type":"text","text":"hi","annotations":{"audience":["user"],"priority":0.5}},{"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"}""");
        back.Should().Contain("\"structuredContent\":{\"n\":1}");
    }

    [Test]
    public void ContentBlock_UnknownType_Throws()
        => FluentActions.Invoking(() => JsonSerializer.Deserialize("""{"content":[{"type":"video","x":1}]}""", McpJsonContext.Default.CallToolResult)).Should().Throw<JsonException>();

    [Test]
    public void ToolSchemas_CarriedVerbatim_JR19()
    {
        const string schema = """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","$defs":{"n":{"type":"number","minimum":1.50}},"properties":{"a":{"$ref":"#/$defs/n"},"region":{"type":"string","x-mcp-header":"Region"}},"additionalProperties":false,"required":["a"]}""";
        var tool = new Tool { Name = "t", InputSchema = El(schema), OutputSchema = El("""{"type":"object","properties":{"r":{"type":["string","null"]}}}""") };
        var json = Json(new ListToolsResult { Tools = [tool], TtlMs = 0, CacheScope = CacheScopes.Public }, McpJsonContext.Default.ListToolsResult);
        json.Should().Contain(schema);
        json.Should().EndWith("\"ttlMs\":0,\"cacheScope\":\"public\"}");
        var back = JsonSerializer.Deserialize(json, McpJsonContext.Default.ListToolsResult)!;
        back.Tools[0].InputSchema.GetRawText().Should().Be(schema);
    }

    [Test]
    public void InputRequiredResult_Shape_MMR03_MMR04()
    {
        var elicit = new ElicitRequestParams { Message = "Name?", RequestedSchema = El("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""") };
        var result = new InputRequiredResult
        {
            ResultType = ResultTypes.InputRequired,
            InputRequests = new Dictionary<string, InputRequest>
            {
                ["ask"] = new() { Method = McpMethods.ElicitationCreate, Params = JsonSerializer.SerializeToElement(elicit, McpJsonContext.Default.ElicitRequestParams) },
                ["roots"] = new() { Method = McpMethods.RootsList },
            },
            RequestState = "opaque.sig",
        };
        var json = Json(result, McpJsonContext.Default.InputRequiredResult);
        json.Should().Be("""{"resultType":"input_required","inputRequests":{"ask":{"method":"elicitation/create","params":{"message":"Name?","requestedSchema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}},"roots":{"method":"roots/list"}},"requestState":"opaque.sig"}""");
        json.Should().NotContain("jsonrpc").And.NotContain("\"id\"");
    }

    [Test]
    public void CallToolRequestParams_InputResponses_MMR10_MMR07()
    {
        var p = JsonSerializer.Deserialize("""{"name":"t","arguments":{},"inputResponses":{"ask":{"action":"accept","content":{"name":"A"}}},"requestState":"abc.def"}""", McpJsonContext.Default.CallToolRequestParams)!;
        p.RequestState.Should().Be("abc.def");
        var answer = p.InputResponses!.Value.GetProperty("ask").Deserialize(McpJsonContext.Default.ElicitResult)!;
        answer.Action.Should().Be(ElicitActions.Accept);
        answer.Content!["name"].GetString().Should().Be("A");
    }

    [Test]
    public void ElicitationSchema_EnumsAndDefaults_CL06()
    {
        const string json = """
            {"type":"object","properties":{
              "name":{"type":"string","minLength":1,"default":"x"},
              "age":{"type":"integer","minimum":0,"maximum":150,"default":30},
              "ok":{"type":"boolean","default":true},
              "color":{"type":"string","enum":["r","g"],"default":"r"},
              "size":{"type":"string","oneOf":[{"const":"s","title":"Small"},{"const":"l","title":"Large"}]},
              "tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"minItems":1,"default":["a"]},
              "tags2":{"type":"array","items":{"anyOf":[{"const":"a","title":"A"}]}},
              "legacy":{"type":"string","enum":["x","y"],"enumNames":["X","Y"]}},
             "required":["name"]}
            """;
        var schema = JsonSerializer.Deserialize(json, McpJsonContext.Default.ElicitationSchema)!;
        schema.Properties["age"].Default!.Value.GetInt32().Should().Be(30);
        schema.Properties["size"].OneOf!.Select(o => o.Title).Should().Equal("Small", "Large");
        schema.Properties["tags"].Items!.Enum.Should().Equal("a", "b");
        schema.Properties["tags2"].Items!.AnyOf![0].Const.Should().Be("a");
        schema.Properties["legacy"].EnumNames.Should().Equal("X", "Y");
        var back = Json(schema, McpJsonContext.Default.ElicitationSchema);
        JsonDocument.Parse(back).RootElement.GetProperty("properties").GetProperty("ok").GetProperty("default").GetBoolean().Should().BeTrue();
    }

    [Test]
    public void ElicitRequestParams_UrlMode_CL09()
    {
        var p = new ElicitRequestParams { Mode = "url", Message = "Sign in", Url = "https://example.com/x", ElicitationId = "e1" };
        Json(p, McpJsonContext.Default.ElicitRequestParams).Should().Be("""{"mode":"url","message":"Sign in","url":"https://example.com/x","elicitationId":"e1"}""");
    }

    [Test]
    public void Subscriptions_Shapes_MSB01_MSB03_MSB08()
    {
        var listen = JsonSerializer.Deserialize("""{"notifications":{"toolsListChanged":true,"resourceSubscriptions":["test://a"]},"_meta":{}}""", McpJsonContext.Default.SubscriptionsListenRequestParams)!;
        listen.Notifications.ToolsListChanged.Should().BeTrue();
        listen.Notifications.PromptsListChanged.Should().BeNull();
        listen.Notifications.ResourceSubscriptions.Should().Equal("test://a");
        FluentActions.Invoking(() => JsonSerializer.Deserialize("""{"_meta":{}}""", McpJsonContext.Default.SubscriptionsListenRequestParams))
            .Should().Throw<JsonException>("notifications is required");

        var ack = new SubscriptionsAcknowledgedNotificationParams
        {
            Notifications = new SubscriptionFilter { ToolsListChanged = true },
            Meta = El("""{"io.modelcontextprotocol/subscriptionId":7}"""),
        };
        Json(ack, McpJsonContext.Default.SubscriptionsAcknowledgedNotificationParams).Should().Be("""{"notifications":{"toolsListChanged":true},"_meta":{"io.modelcontextprotocol/subscriptionId":7}}""");
        Json(new SubscriptionsListenResult { ResultType = ResultTypes.Complete, Meta = El("""{"io.modelcontextprotocol/subscriptionId":7}""") }, McpJsonContext.Default.SubscriptionsListenResult)
            .Should().Be("""{"resultType":"complete","_meta":{"io.modelcontextprotocol/subscriptionId":7}}""");
    }

    [Test]
    public void ProgressAndCancelled_Tokens_UT02_UT08()
    {
        var p = JsonSerializer.Deserialize("""{"progressToken":"a","progress":0.25,"total":1,"message":"m"}""", McpJsonContext.Default.ProgressNotificationParams)!;
        p.ProgressToken.Should().Be(new ProgressToken("a"));
        Json(p, McpJsonContext.Default.ProgressNotificationParams).Should().Be("""{"progressToken":"a","progress":0.25,"total":1,"message":"m"}""");
        var c = JsonSerializer.Deserialize("""{"requestId":12345678901234567890123,"reason":"x"}""", McpJsonContext.Default.CancelledNotificationParams)!;
        c.RequestId!.Value.ToString().Should().Be("12345678901234567890123");
        FluentActions.Invoking(() => JsonSerializer.Deserialize("""{"progressToken":1.5,"progress":1}""", McpJsonContext.Default.ProgressNotificationParams)).Should().Throw<JsonException>();
    }

    [TestCase("42")]
    [TestCase("1")]
    [TestCase("\"verbose\"")]
    [TestCase("\"Info\"")]
    [TestCase("null")]
    public void LoggingLevel_IsOnlyItsWireName_UT17(string json)
    {
        FluentActions.Invoking(() => JsonSerializer.Deserialize("{\"level\":" + json + "}", McpJsonContext.Default.SetLevelRequestParams))
            .Should().Throw<JsonException>();
    }

    [TestCase("debug", LoggingLevel.Debug)]
    [TestCase("warning", LoggingLevel.Warning)]
    [TestCase("emergency", LoggingLevel.Emergency)]
    public void LoggingLevels_UT17_UT18(string name, LoggingLevel level)
    {
        LoggingLevels.TryParse(name, out var parsed).Should().BeTrue();
        parsed.Should().Be(level);
        level.ToWireName().Should().Be(name);
        Json(new SetLevelRequestParams { Level = level }, McpJsonContext.Default.SetLevelRequestParams).Should().Be($$"""{"level":"{{name}}"}""");
    }

    [Test]
    public void LoggingLevels_OrderAndUnknown_UT18_MSV12()
    {
        LoggingLevel.Error.IsAtLeast(LoggingLevel.Warning).Should().BeTrue();
        LoggingLevel.Info.IsAtLeast(LoggingLevel.Warning).Should().BeFalse();
        LoggingLevels.TryParse("INFO", out _).Should().BeFalse();
        LoggingLevels.TryParse("verbose", out _).Should().BeFalse();
        FluentActions.Invoking(() => JsonSerializer.Deserialize("""{"level":"verbose"}""", McpJsonContext.Default.SetLevelRequestParams)).Should().Throw<JsonException>();
    }

    [Test]
    public void SamplingMessages_ContentSingleOrArray_CL01_CL02()
    {
        var p = JsonSerializer.Deserialize("""{"messages":[{"role":"user","content":{"type":"text","text":"hi"}},{"role":"assistant","content":[{"type":"tool_use","id":"u1","name":"t","input":{}}]}],"maxTokens":100,"modelPreferences":{"hints":[{"name":"claude"}],"speedPriority":0.2}}""", McpJsonContext.Default.CreateMessageRequestParams)!;
        p.MaxTokens.Should().Be(100);
        p.Messages[1].Content.ValueKind.Should().Be(JsonValueKind.Array);
        p.Messages[1].Content[0].Deserialize(McpJsonContext.Default.ContentBlock).Should().BeOfType<ToolUseContent>();
        var r = JsonSerializer.Deserialize("""{"role":"assistant","content":{"type":"text","text":"ok"},"model":"m","stopReason":"endTurn"}""", McpJsonContext.Default.CreateMessageResult)!;
        r.StopReason.Should().Be("endTurn");
    }

    [Test]
    public void ResourcesAndPromptsAndCompletion_Shapes_SV15_SV16_SV24_UT24()
    {
        Json(new ReadResourceResult { Contents = [new ResourceContents { Uri = "test://static-binary", MimeType = "image/png", Blob = "iVBO" }], TtlMs = 1000, CacheScope = CacheScopes.Public, ResultType = ResultTypes.Complete }, McpJsonContext.Default.ReadResourceResult)
            .Should().Be("""{"contents":[{"uri":"test://static-binary","mimeType":"image/png","blob":"iVBO"}],"ttlMs":1000,"cacheScope":"public","resultType":"complete"}""");
        var prompts = JsonSerializer.Deserialize("""{"prompts":[{"name":"p","arguments":[{"name":"arg1","required":true}]}],"nextCursor":"c2"}""", McpJsonContext.Default.ListPromptsResult)!;
        prompts.Prompts[0].Arguments![0].Required.Should().BeTrue();
        prompts.NextCursor.Should().Be("c2");
        var complete = JsonSerializer.Deserialize("""{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":"x"},"context":{"arguments":{"b":"y"}}}""", McpJsonContext.Default.CompleteRequestParams)!;
        complete.Ref.Type.Should().Be("ref/prompt");
        complete.Context!.Arguments!["b"].Should().Be("y");
        Json(new CompleteResult { Completion = new Completion { Values = ["a"], HasMore = false } }, McpJsonContext.Default.CompleteResult).Should().Be("""{"completion":{"values":["a"],"hasMore":false}}""");
        var get = JsonSerializer.Deserialize("""{"description":"d","messages":[{"role":"user","content":{"type":"text","text":"t"}}]}""", McpJsonContext.Default.GetPromptResult)!;
        get.Messages[0].Content.Should().BeOfType<TextContent>();
    }

    [Test]
    public void ResultType_AbsentMeansComplete_MVR16()
    {
        var r = JsonSerializer.Deserialize("""{"content":[]}""", McpJsonContext.Default.CallToolResult)!;
        (r.ResultType ?? ResultTypes.Complete).Should().Be(ResultTypes.Complete);
    }

    [Test]
    public void TasksAndRoots_Shapes()
    {
        var t = JsonSerializer.Deserialize("""{"task":{"taskId":"t1","status":"working","createdAt":"2025-11-25T00:00:00Z","pollInterval":500}}""", McpJsonContext.Default.CreateTaskResult)!;
        t.Task.PollInterval.Should().Be(500);
        var roots = JsonSerializer.Deserialize("""{"roots":[{"uri":"file:///home","name":"home"}]}""", McpJsonContext.Default.ListRootsResult)!;
        roots.Roots[0].Uri.Should().Be("file:///home");
    }

    [TestCase("progressToken", true, false)]
    [TestCase("io.modelcontextprotocol/protocolVersion", true, true)]
    [TestCase("dev.mcp/thing", true, true)]
    [TestCase("com.example/x-y_z.1", true, false)]
    [TestCase("traceparent", true, false)]
    [TestCase("a/b", true, false)]
    [TestCase("", false, false)]
    [TestCase("/x", false, false)]
    [TestCase("1a.b/x", false, false)]
    [TestCase("a-.b/x", false, false)]
    [TestCase("a..b/x", false, false)]
    [TestCase("ok/-x", false, false)]
    [TestCase("ok/x-", false, false)]
    [TestCase("ok/x y", false, false)]
    public void MetaKey_FormatAndReservedPrefixes_JR15_MRQ07(string key, bool valid, bool reserved)
    {
        MetaKey.IsValid(key).Should().Be(valid);
        MetaKey.IsReserved(key).Should().Be(reserved);
    }

    [Test]
    public void MetaKeys_Constants_AreValidAndReserved_MRQ07()
    {
        foreach (var key in new[] { MetaKeys.ProtocolVersion, MetaKeys.ClientInfo, MetaKeys.ClientCapabilities, MetaKeys.LogLevel, MetaKeys.ServerInfo, MetaKeys.SubscriptionId })
        {
            MetaKey.IsReserved(key).Should().BeTrue(key);
        }
    }

    [Test]
    public void RequestIdGenerator_NeverRepeats_UnderConcurrency_JR03()
    {
        var generator = new RequestIdGenerator();
        var ids = new System.Collections.Concurrent.ConcurrentBag<RequestId>();
        Parallel.For(0, 10_000, _ => ids.Add(generator.Next()));
        ids.Distinct().Should().HaveCount(10_000);
        var prefixed = new RequestIdGenerator("srv-");
        prefixed.Next().Should().Be(new RequestId("srv-1"));
        prefixed.Next().Should().Be(new RequestId("srv-2"));
    }

    [Test]
    public void McpMethods_EveryKnownNameMatches()
    {
        foreach (var method in Enum.GetValues<McpMethod>().Where(m => m != McpMethod.Unknown))
        {
            var name = McpMethods.GetName(method)!;
            McpMethods.TryMatch(Encoding.UTF8.GetBytes(name), out var matched).Should().BeTrue(name);
            matched.Should().Be(method);
            McpMethods.GetUtf8Name(method).SequenceEqual(Encoding.UTF8.GetBytes(name)).Should().BeTrue();
            McpMethods.TryMatch(name, out matched).Should().BeTrue();
        }

        McpMethods.TryMatch("tools/call "u8, out _).Should().BeFalse();
        McpMethods.TryMatch("TOOLS/CALL"u8, out _).Should().BeFalse("method names are case-sensitive (M-TR-10)");
    }

    [Test]
    public void ErrorData_WriteThenRead_ThroughJsonRpc_MVR02()
    {
        using var buffer = new PooledBufferWriter();
        using var writer = new JsonRpcWriter();
        writer.WriteError(buffer, 5, JsonRpcErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version",
            new UnsupportedProtocolVersionErrorData { Supported = ["2026-07-28"], Requested = "2099-01-01" }, McpJsonContext.Default.UnsupportedProtocolVersionErrorData);
        var m = JsonRpcReader.Read(buffer.WrittenMemory).Single.Message;
        var reader = new Utf8JsonReader(m.ErrorData);
        var data = JsonSerializer.Deserialize(ref reader, McpJsonContext.Default.UnsupportedProtocolVersionErrorData)!;
        data.Requested.Should().Be("2099-01-01");
        data.Supported.Should().Equal("2026-07-28");
    }
}

using System.Text;
using System.Text.Json;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server;

namespace Mcp.Raw.Cli.Serve;

/// <summary>
/// Everything the official conformance suite's server scenarios call (../shared/conformance/fixtures.md for 0.1.16;
/// checklist-2026 M-SV-19 for 2026-07-28). Added to the demo with <c>serve --conformance</c>.
/// </summary>
internal static class ConformanceFixtures
{
    public const string Png1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private static readonly string[] s_ids = ["1", "2", "3", "123"];
    private static readonly string[] s_argValues = ["test", "testValue1", "testValue2", "other"];

    private const string NoArgs = """{"type":"object","properties":{},"additionalProperties":false}""";

    public static readonly string Wav = Convert.ToBase64String(MinimalWav());

    public static void Register(McpServerBuilder b)
    {
        RegisterTools(b);
        RegisterModernTools(b);
        ConformanceTaskFixtures.Register(b);
        RegisterResources(b);
        RegisterPrompts(b);
    }

    private static void RegisterTools(McpServerBuilder b)
    {
        b.AddTool("test_simple_text", "Returns a simple text response.", NoArgs, _ => Ok(McpResults.Text("This is a simple text response for testing.")));
        b.AddTool("test_image_content", "Returns an image.", NoArgs, _ => Ok(new CallToolResult { Content = [new ImageContent { Data = Png1x1, MimeType = "image/png" }] }));
        b.AddTool("test_audio_content", "Returns audio.", NoArgs, _ => Ok(new CallToolResult { Content = [new AudioContent { Data = Wav, MimeType = "audio/wav" }] }));
        b.AddTool("test_embedded_resource", "Returns an embedded resource.", NoArgs, _ => Ok(new CallToolResult
        {
            Content = [new EmbeddedResource { Resource = new ResourceContents { Uri = "test://embedded-resource", MimeType = "text/plain", Text = "This is an embedded resource content." } }],
        }));
        b.AddTool("test_multiple_content_types", "Returns text, an image and a resource.", NoArgs, _ => Ok(new CallToolResult
        {
            Content =
            [
                new TextContent { Text = "Multiple content types test:" },
                new ImageContent { Data = Png1x1, MimeType = "image/png" },
                new EmbeddedResource { Resource = new ResourceContents { Uri = "test://mixed-content-resource", MimeType = "application/json", Text = """{"test":"data","value":123}""" } },
            ],
        }));
        b.AddTool("test_tool_with_logging", "Sends three info log messages while it works.", NoArgs, async ctx =>
        {
            await ctx.LogInfoAsync("Tool execution started");
            await Task.Delay(50, ctx.Cancellation);
            await ctx.LogInfoAsync("Tool processing data");
            await Task.Delay(50, ctx.Cancellation);
            await ctx.LogInfoAsync("Tool execution completed");
            return McpResults.Text("Logging test completed");
        });
        b.AddTool("test_error_handling", "Always fails with an isError result.", NoArgs, _ => Ok(McpResults.Error("This tool intentionally returns an error for testing")));
        b.AddTool("test_tool_with_progress", "Reports progress 0, 50, 100 of 100.", NoArgs, async ctx =>
        {
            await ctx.ReportProgressAsync(0, 100);
            await Task.Delay(50, ctx.Cancellation);
            await ctx.ReportProgressAsync(50, 100);
            await Task.Delay(50, ctx.Cancellation);
            await ctx.ReportProgressAsync(100, 100);
            return McpResults.Text("Progress test completed");
        });
        b.AddTool("test_sampling", "Asks the client's model to answer a prompt.",
            """{"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send"}},"required":["prompt"]}""", async ctx =>
            {
                var prompt = ctx.Arguments.TryGetProperty("prompt", out var p) ? p.GetString() ?? string.Empty : string.Empty;
                var result = await ctx.SampleAsync(new CreateMessageRequestParams
                {
                    Messages = [new SamplingMessage { Role = "user", Content = Json($$"""{"type":"text","text":{{JsonSerializer.Serialize(prompt, McpJsonContext.Default.String)}}}""") }],
                    MaxTokens = 100,
                });
                var text = result.Content.ValueKind == JsonValueKind.Object && result.Content.TryGetProperty("text", out var t) ? t.GetString() : result.Content.GetRawText();
                return McpResults.Text("LLM response: " + text);
            });
        b.AddTool("test_elicitation", "Asks the user for a username and email.",
            """{"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]}""", async ctx =>
            {
                var message = ctx.Arguments.TryGetProperty("message", out var m) ? m.GetString() ?? "Please provide your information" : "Please provide your information";
                var result = await ctx.ElicitAsync(new ElicitRequestParams
                {
                    Message = message,
                    RequestedSchema = Json("""{"type":"object","properties":{"username":{"type":"string","description":"User's response"},"email":{"type":"string","description":"User's email address"}},"required":["username","email"]}"""),
                });
                return McpResults.Text($"User response: action={result.Action}, content={Serialize(result.Content)}");
            });
        b.AddTool("test_elicitation_sep1034_defaults", "Elicitation with default values on every primitive type (SEP-1034).", NoArgs, async ctx =>
        {
            var result = await ctx.ElicitAsync(new ElicitRequestParams
            {
                Message = "Please review and update the form fields with defaults",
                RequestedSchema = Json("""
                    {"type":"object","properties":{
                      "name":{"type":"string","description":"User name","default":"John Doe"},
                      "age":{"type":"integer","description":"User age","default":30},
                      "score":{"type":"number","description":"User score","default":95.5},
                      "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},
                      "verified":{"type":"boolean","description":"Verification status","default":true}},
                     "required":[]}
                    """),
            });
            return McpResults.Text($"Elicitation completed: action={result.Action}, content={Serialize(result.Content)}");
        });
        b.AddTool("test_elicitation_sep1330_enums", "Elicitation with every enum form (SEP-1330).", NoArgs, async ctx =>
        {
            var result = await ctx.ElicitAsync(new ElicitRequestParams
            {
                Message = "Please select options from the enum fields",
                RequestedSchema = Json("""
                    {"type":"object","properties":{
                      "untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},
                      "titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},
                      "legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},
                      "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,"items":{"type":"string","enum":["option1","option2","option3"]}},
                      "titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},
                     "required":[]}
                    """),
            });
            return McpResults.Text($"Elicitation completed: action={result.Action}, content={Serialize(result.Content)}");
        });
        b.AddTool("json_schema_2020_12_tool", "A tool whose input schema uses JSON Schema 2020-12 keywords, carried verbatim.", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "$defs":{"address":{"$anchor":"addressDef","type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
             "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},"contactMethod":{"type":"string","enum":["phone","email"]},"phone":{"type":"string"},"email":{"type":"string"}},
             "allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],
             "if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},
             "then":{"required":["phone"]},
             "else":{"required":["email"]},
             "additionalProperties":false}
            """, ctx => Ok(McpResults.Text("Schema tool called with " + ctx.Arguments.ValueKind)));
        b.AddTool("test_reconnection", "Closes its SSE stream before answering; the result arrives when the client resumes with Last-Event-ID (SEP-1699).", NoArgs, async ctx =>
        {
            await ctx.Transport.DisconnectForPollingAsync();
            await Task.Delay(100, ctx.Cancellation);
            return McpResults.Text("Reconnection test completed");
        });
    }

    private static void RegisterModernTools(McpServerBuilder b)
    {
        b.AddTool("test_missing_capability", "Needs the client's sampling capability; without it the call fails with -32021.", NoArgs, async ctx =>
        {
            var result = await ctx.SampleAsync(new CreateMessageRequestParams
            {
                Messages = [new SamplingMessage { Role = "user", Content = Json("""{"type":"text","text":"ping"}""") }],
                MaxTokens = 10,
            });
            return McpResults.Text("sampled: " + result.Model);
        });
        b.AddTool("test_streaming_elicitation", "Asks for input: an MRTR round in 2026-07-28, never a request on the response stream.", NoArgs, async ctx =>
        {
            var result = await ctx.ElicitAsync(new ElicitRequestParams { Message = "Please confirm", RequestedSchema = Json("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}""") }, "confirm");
            return McpResults.Text("confirmed: " + result.Action);
        });
        b.AddTool("test_logging_tool", "Logs three messages; in 2026-07-28 only when the request carries a logLevel.", NoArgs, async ctx =>
        {
            await ctx.LogInfoAsync("Tool execution started");
            await ctx.LogInfoAsync("Tool processing data");
            await ctx.LogInfoAsync("Tool execution completed");
            return McpResults.Text("Logging test completed");
        });
        b.Configure((server, _) =>
        {
            server.Tools.Add(McpServerTool.Create("test_trigger_tool_change", "Adds or removes a tool, so listeners get notifications/tools/list_changed.", NoArgs, _ =>
            {
                if (!server.Tools.Remove("test_dynamic_tool"))
                {
                    server.Tools.Add(McpServerTool.Create("test_dynamic_tool", "A tool that comes and goes.", NoArgs, _ => Ok(McpResults.Text("dynamic"))));
                }

                return Ok(McpResults.Text("tool list changed"));
            }));
            server.Tools.Add(McpServerTool.Create("test_trigger_prompt_change", "Adds or removes a prompt, so listeners get notifications/prompts/list_changed.", NoArgs, _ =>
            {
                if (!server.Prompts.Remove("test_dynamic_prompt"))
                {
                    server.Prompts.Add(new McpServerPrompt(new Prompt { Name = "test_dynamic_prompt", Description = "A prompt that comes and goes." }, (_, _) => ValueTask.FromResult(McpResults.UserPrompt("dynamic"))));
                }

                return Ok(McpResults.Text("prompt list changed"));
            }));
        });
        b.AddTool("test_custom_headers_server", "Echoes a region that travels in the Mcp-Param-Region header (x-mcp-header).",
            """{"type":"object","properties":{"region":{"type":"string","description":"A region name","x-mcp-header":"Region"}},"required":["region"]}""",
            ctx => Ok(McpResults.Text("region: " + (ctx.Arguments.TryGetProperty("region", out var r) ? r.GetString() : null))));

        // MRTR (SEP-2322): one handler per scenario, written once for both eras.
        b.AddTool("test_input_required_result_elicitation", "Asks for the user's name (MRTR elicitation).", NoArgs, async ctx =>
        {
            var result = await ctx.ElicitAsync(NameQuestion("What is your name?"), "user_name");
            return McpResults.Text("Hello, " + Field(result, "name"));
        });
        b.AddTool("test_input_required_result_sampling", "Asks the client's model a question (MRTR sampling).", NoArgs, async ctx =>
        {
            var result = await ctx.SampleAsync(new CreateMessageRequestParams
            {
                Messages = [new SamplingMessage { Role = "user", Content = Json("""{"type":"text","text":"What is the capital of France?"}""") }],
                MaxTokens = 100,
            }, "capital_question");
            return McpResults.Text("Model said: " + (result.Content.ValueKind == JsonValueKind.Object && result.Content.TryGetProperty("text", out var t) ? t.GetString() : result.Content.GetRawText()));
        });
        b.AddTool("test_input_required_result_list_roots", "Asks for the client's roots (MRTR roots/list).", NoArgs, async ctx =>
        {
            var roots = await ctx.ListRootsAsync("client_roots");
            return McpResults.Text("Roots: " + string.Join(", ", roots.Roots.Select(r => r.Uri)));
        });
        b.AddTool("test_input_required_result_request_state", "Asks for confirmation and checks the requestState it gets back.", NoArgs, async ctx =>
        {
            var result = await ctx.ElicitAsync(Confirm(), "confirm");
            return McpResults.Text((ctx.RequestStateVerified ? "state-ok" : "no-state") + ": confirmed=" + Field(result, "ok"));
        });
        b.AddTool("test_input_required_result_tampered_state", "Asks for confirmation; a tampered requestState is refused.", NoArgs, async ctx =>
        {
            var result = await ctx.ElicitAsync(Confirm(), "confirm");
            return McpResults.Text("confirmed=" + Field(result, "ok"));
        });
        b.AddTool("test_input_required_result_multiple_inputs", "Asks for a name, a greeting and the roots in one round.", NoArgs, async ctx =>
        {
            var answers = await ctx.RequestInputsAsync(new Dictionary<string, InputRequest>
            {
                ["user_name"] = new() { Method = McpMethods.ElicitationCreate, Params = JsonSerializer.SerializeToElement(NameQuestion("What is your name?"), McpJsonContext.Default.ElicitRequestParams) },
                ["greeting"] = new() { Method = McpMethods.SamplingCreateMessage, Params = Json("""{"messages":[{"role":"user","content":{"type":"text","text":"Generate a greeting"}}],"maxTokens":50}""") },
                ["client_roots"] = new() { Method = McpMethods.RootsList, Params = Json("{}") },
            });
            return McpResults.Text("Received " + string.Join(", ", answers.Keys.Order(StringComparer.Ordinal)));
        });
        b.AddTool("test_input_required_result_multi_round", "Asks two questions in two rounds.", NoArgs, async ctx =>
        {
            var step1 = await ctx.ElicitAsync(NameQuestion("Step 1: What is your name?"), "step1");
            var step2 = await ctx.ElicitAsync(new ElicitRequestParams
            {
                Message = "Step 2: What is your favorite color?",
                RequestedSchema = Json("""{"type":"object","properties":{"color":{"type":"string"}},"required":["color"]}"""),
            }, "step2");
            return McpResults.Text($"{Field(step1, "name")} likes {Field(step2, "color")}");
        });
        b.AddTool("test_input_required_result_capabilities", "Asks only for inputs the client declared (sampling and/or elicitation).", NoArgs, async ctx =>
        {
            var caps = ctx.ClientCapabilities;
            var requests = new Dictionary<string, InputRequest>();
            if (caps?.Sampling is { ValueKind: JsonValueKind.Object })
            {
                requests["sample"] = new() { Method = McpMethods.SamplingCreateMessage, Params = Json("""{"messages":[{"role":"user","content":{"type":"text","text":"Say hi"}}],"maxTokens":20}""") };
            }

            if (caps?.Elicitation is { ValueKind: JsonValueKind.Object })
            {
                requests["ask"] = new() { Method = McpMethods.ElicitationCreate, Params = JsonSerializer.SerializeToElement(NameQuestion("What is your name?"), McpJsonContext.Default.ElicitRequestParams) };
            }

            if (requests.Count == 0)
            {
                return McpResults.Text("The client declared neither sampling nor elicitation; nothing to ask.");
            }

            var answers = await ctx.RequestInputsAsync(requests);
            return McpResults.Text("Received " + string.Join(", ", answers.Keys.Order(StringComparer.Ordinal)));
        });
    }

    private static void RegisterResources(McpServerBuilder b)
    {
        b.Add(McpServerResource.Text("test://static-text", "Static text resource", "This is the content of the static text resource.", description: "A static text resource for testing"));
        b.Add(McpServerResource.Binary("test://static-binary", "Static binary resource", Convert.FromBase64String(Png1x1), "image/png", "A static binary resource (PNG) for testing"));
        b.Add(McpServerResource.Text("test://watched-resource", "Watched resource", "Watched resource content.", description: "A resource clients can subscribe to"));
        b.Add(new McpServerResourceTemplate(
            new ResourceTemplate { UriTemplate = "test://template/{id}/data", Name = "Template resource", Description = "A resource template with an id parameter", MimeType = "application/json" },
            (_, vars) =>
            {
                var id = vars["id"];
                var text = $$"""{"id":{{JsonSerializer.Serialize(id, McpJsonContext.Default.String)}},"templateTest":true,"data":{{JsonSerializer.Serialize("Data for ID: " + id, McpJsonContext.Default.String)}}}""";
                return ValueTask.FromResult(new ReadResourceResult { Contents = [new ResourceContents { Uri = $"test://template/{id}/data", MimeType = "application/json", Text = text }] });
            },
            (_, value, _) => ValueTask.FromResult<IEnumerable<string>>(s_ids.Where(v => v.StartsWith(value, StringComparison.Ordinal)))));
    }

    private static void RegisterPrompts(McpServerBuilder b)
    {
        b.Add(new McpServerPrompt(new Prompt { Name = "test_simple_prompt", Description = "A simple prompt without arguments" },
            (_, _) => ValueTask.FromResult(McpResults.UserPrompt("This is a simple prompt for testing."))));
        b.Add(new McpServerPrompt(
            new Prompt
            {
                Name = "test_prompt_with_arguments",
                Description = "A prompt with two required arguments",
                Arguments = [new PromptArgument { Name = "arg1", Description = "First test argument", Required = true }, new PromptArgument { Name = "arg2", Description = "Second test argument", Required = true }],
            },
            (_, args) => ValueTask.FromResult(McpResults.UserPrompt($"Prompt with arguments: arg1='{args["arg1"]}', arg2='{args["arg2"]}'")),
            (name, value, _) => ValueTask.FromResult<IEnumerable<string>>(s_argValues.Where(v => v.StartsWith(value, StringComparison.Ordinal)))));
        b.Add(new McpServerPrompt(
            new Prompt
            {
                Name = "test_prompt_with_embedded_resource",
                Description = "A prompt that embeds a resource",
                Arguments = [new PromptArgument { Name = "resourceUri", Description = "URI of the resource to embed", Required = true }],
            },
            (_, args) => ValueTask.FromResult(new GetPromptResult
            {
                Messages =
                [
                    new PromptMessage { Role = "user", Content = new EmbeddedResource { Resource = new ResourceContents { Uri = args["resourceUri"], MimeType = "text/plain", Text = "Embedded resource content for testing." } } },
                    new PromptMessage { Role = "user", Content = new TextContent { Text = "Please process the embedded resource above." } },
                ],
            })));
        b.Add(new McpServerPrompt(new Prompt { Name = "test_prompt_with_image", Description = "A prompt with an image" },
            (_, _) => ValueTask.FromResult(new GetPromptResult
            {
                Messages =
                [
                    new PromptMessage { Role = "user", Content = new ImageContent { Data = Png1x1, MimeType = "image/png" } },
                    new PromptMessage { Role = "user", Content = new TextContent { Text = "Please analyze the image above." } },
                ],
            })));
        b.Add(new McpServerPrompt(new Prompt { Name = "test_input_required_result_prompt", Description = "Asks for context before building the prompt (MRTR on prompts/get)." },
            async (ctx, _) =>
            {
                var result = await ctx.ElicitAsync(new ElicitRequestParams
                {
                    Message = "What context should the prompt use?",
                    RequestedSchema = Json("""{"type":"object","properties":{"context":{"type":"string"}},"required":["context"]}"""),
                }, "prompt_context");
                return McpResults.UserPrompt("Use this context: " + Field(result, "context"));
            }));
    }

    internal static ElicitRequestParams NameQuestion(string message) => new()
    {
        Message = message,
        RequestedSchema = Json("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"""),
    };

    private static ElicitRequestParams Confirm() => new()
    {
        Message = "Please confirm",
        RequestedSchema = Json("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}"""),
    };

    internal static string Field(ElicitResult result, string name) =>
        result.Content is { } content && content.TryGetValue(name, out var value) ? (value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()) : "(none)";

    private static string Serialize(IDictionary<string, JsonElement>? content) =>
        content is null ? "{}" : JsonSerializer.Serialize(content, McpJsonContext.Default.IDictionaryStringJsonElement);

    internal static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static ValueTask<CallToolResult> Ok(CallToolResult result) => ValueTask.FromResult(result);

    private static byte[] MinimalWav()
    {
        // 8 kHz, 8-bit mono PCM, 8 samples of silence.
        const int samples = 8;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.ASCII);
        w.Write("RIFF"u8);
        w.Write(36 + samples);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(8000);
        w.Write(8000);
        w.Write((short)1);
        w.Write((short)8);
        w.Write("data"u8);
        w.Write(samples);
        for (var i = 0; i < samples; i++)
        {
            w.Write((byte)128);
        }

        w.Flush();
        return stream.ToArray();
    }
}

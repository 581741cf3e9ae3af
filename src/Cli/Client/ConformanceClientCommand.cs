using System.Text.Json;
using System.Text.Json.Nodes;
using Mcp.Raw.Client;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Cli.Client;

/// <summary>
/// <c>mcp-raw conformance-client URL</c>: the client runner of the official conformance suite
/// (<c>conformance client --command "mcp-raw conformance-client" --scenario NAME</c>). It reads
/// MCP_CONFORMANCE_SCENARIO, MCP_CONFORMANCE_PROTOCOL_VERSION and MCP_CONFORMANCE_CONTEXT (M-CL-16), connects with
/// the matching era, and exercises what the server offers: every tool (with the context's arguments, or arguments
/// made from the schema), every resource and every prompt. Elicitations are accepted with the schema's defaults
/// (SEP-1034), sampling gets a fixed answer, roots one directory.
/// </summary>
internal static class ConformanceClientCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("mcp-raw conformance-client URL");
            return 2;
        }

        var url = new Uri(args[^1]);
        var scenario = Environment.GetEnvironmentVariable("MCP_CONFORMANCE_SCENARIO") ?? string.Empty;
        var version = McpProtocolVersions.TryParse(Environment.GetEnvironmentVariable("MCP_CONFORMANCE_PROTOCOL_VERSION"), out var v) ? v : McpProtocolVersion.V2025_11_25;
        var context = Environment.GetEnvironmentVariable("MCP_CONFORMANCE_CONTEXT") is { Length: > 0 } c ? JsonNode.Parse(c) as JsonObject : null;
        var options = new McpClientOptions
        {
            ProtocolVersion = version,
            ClientInfo = new Implementation { Name = "mcp-raw-conformance-client", Version = "1.0.0" },
            ElicitationHandler = (request, _) => ValueTask.FromResult(AcceptWithDefaults(request)),
            SamplingHandler = (_, _) => ValueTask.FromResult(new CreateMessageResult { Role = "assistant", Model = "mcp-raw-test", StopReason = "endTurn", Content = JsonDocument.Parse("""{"type":"text","text":"This is a test response from the client"}""").RootElement.Clone() }),
            RootsHandler = _ => ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = "file:///tmp", Name = "tmp" }] }),
            NotificationHandler = n =>
            {
                Console.Error.WriteLine($"notification {n.Method}");
                return ValueTask.CompletedTask;
            },
            Warning = w => Console.Error.WriteLine("warning: " + w),
            RequestTimeout = TimeSpan.FromSeconds(20),

            // The auth/* scenarios: their mock authorization server approves at once, so the headless user agent
            // takes the code from its redirect. The suite's CIMD URL and the pre-registered client come from it.
            OAuth = new McpOAuthOptions
            {
                RedirectUri = new Uri("http://localhost:3000/callback"),
                ClientName = "mcp-raw-conformance-client",
                Authorize = McpOAuthUserAgents.Headless(),
                ClientMetadataDocumentUrl = new Uri("https://conformance-test.local/client-metadata.json"),
                ClientId = (string?)context?["client_id"],
                ClientSecret = (string?)context?["client_secret"],
                Log = m => Console.Error.WriteLine("oauth: " + m),
            },
        };

        try
        {
            await using var client = await McpClient.ConnectAsync(url, options);
            Console.Error.WriteLine($"connected: {client.ProtocolVersion.ToVersionString()} {client.Transport} to {client.ServerInfo?.Name}");
            var caps = client.ServerCapabilities;
            var failures = 0;
            IReadOnlyList<Tool> tools = caps?.Tools is not null || client.IsModern || true ? await TryAsync(() => client.ListToolsAsync(), []) : [];
            var calls = new List<(string Name, JsonElement? Arguments)>();
            if (context?["toolCalls"] is JsonArray planned)
            {
                foreach (var call in planned.OfType<JsonObject>())
                {
                    calls.Add(((string)call["name"]!, call["arguments"] is { } a ? JsonSerializer.SerializeToElement(a, CliJsonContext.Default.JsonNode) : null));
                }
            }
            else if (scenario == "json-schema-2020-12-preservation" && tools.FirstOrDefault(t => t.Name != "json_schema_echo") is { } focal)
            {
                // Round-trip the schema exactly as received (SEP-1613, SEP-2106): nothing is rebuilt or dropped.
                var echo = new Dictionary<string, JsonElement> { ["schema"] = focal.InputSchema };
                calls.Add(("json_schema_echo", JsonSerializer.SerializeToElement(echo, McpJsonContext.Default.IDictionaryStringJsonElement)));
            }
            else
            {
                calls.AddRange(tools.Select(t => (t.Name, (JsonElement?)ArgumentsFor(t.InputSchema))));
            }

            async Task CallAsync((string Name, JsonElement? Arguments) call)
            {
                try
                {
                    var result = await client.CallToolAsync(call.Name, call.Arguments);
                    Console.Error.WriteLine($"tools/call {call.Name}: {(result.IsError == true ? "isError" : "ok")}");
                }
                catch (Exception e) when (e is McpClientException or McpAuthorizationException or TimeoutException or HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                    Console.Error.WriteLine($"tools/call {call.Name} failed: {e.Message}");
                }
            }

            if (scenario.Contains("2322", StringComparison.Ordinal))
            {
                // Parallel calls: each MRTR flow keeps its own state (M-MR-09).
                await Task.WhenAll(calls.Select(CallAsync));
            }
            else
            {
                foreach (var call in calls)
                {
                    await CallAsync(call);
                }
            }

            if (caps?.Resources is not null)
            {
                foreach (var resource in await TryAsync(() => client.ListResourcesAsync(), []))
                {
                    await TryAsync(() => client.ReadResourceAsync(resource.Uri), new ReadResourceResult { Contents = [] });
                }
            }

            if (caps?.Prompts is not null)
            {
                foreach (var prompt in await TryAsync(() => client.ListPromptsAsync(), []))
                {
                    var arguments = (prompt.Arguments ?? []).ToDictionary(a => a.Name, _ => "test");
                    await TryAsync(() => client.GetPromptAsync(prompt.Name, arguments), new GetPromptResult { Messages = [] });
                }
            }

            // A tool the scenario server refuses is the scenario's business (its checks judge us); only a failed
            // connection is ours.
            Console.Error.WriteLine($"done: {failures} failed call(s)");
            return 0;
        }
        catch (Exception e) when (e is McpClientException or McpAuthorizationException or HttpRequestException or TimeoutException)
        {
            await Console.Error.WriteLineAsync("conformance-client: " + e.Message);
            return 1;
        }
    }

    private static async Task<T> TryAsync<T>(Func<Task<T>> action, T fallback)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is McpClientException or McpAuthorizationException or TimeoutException or HttpRequestException)
        {
            Console.Error.WriteLine("request failed: " + e.Message);
            return fallback;
        }
    }

    /// <summary>Arguments made from a tool's schema: numbers count up, strings say "test", booleans are true.</summary>
    private static JsonElement ArgumentsFor(JsonElement schema)
    {
        var args = new JsonObject();
        var n = 0;
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                var type = property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "string";
                args[property.Name] = type switch
                {
                    "number" or "integer" => JsonValue.Create(++n + 1),
                    "boolean" => JsonValue.Create(true),
                    "array" => new JsonArray(),
                    "object" => new JsonObject(),
                    _ => JsonValue.Create("test"),
                };
            }
        }

        return JsonSerializer.SerializeToElement(args, CliJsonContext.Default.JsonObject);
    }

    /// <summary>Accepts a form with every property's default (SEP-1034), or a plausible value.</summary>
    private static ElicitResult AcceptWithDefaults(ElicitRequestParams request)
    {
        var content = new Dictionary<string, JsonElement>();
        if (request.RequestedSchema is { ValueKind: JsonValueKind.Object } schema && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (property.Value.TryGetProperty("default", out var value))
                {
                    content[property.Name] = value.Clone();
                    continue;
                }

                var type = property.Value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "string";
                content[property.Name] = type switch
                {
                    "number" or "integer" => JsonDocument.Parse("1").RootElement.Clone(),
                    "boolean" => JsonDocument.Parse("true").RootElement.Clone(),
                    _ => property.Value.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0 ? e[0].Clone() : JsonDocument.Parse("\"test\"").RootElement.Clone(),
                };
            }
        }

        return new ElicitResult { Action = ElicitActions.Accept, Content = content };
    }
}

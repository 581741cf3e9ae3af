using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;

namespace Mcp.Raw.Server;

public sealed partial class McpServer
{
    // ---------------------------------------------------------------- lists (UT-26, M-SV-03)

    private async Task ListToolsAsync(McpRequestContext context)
    {
        var items = Tools.Items;
        var (start, end, next) = Page(context, items.Count);
        var tools = new Tool[end - start];
        for (var i = start; i < end; i++)
        {
            tools[i - start] = items[i].Definition;
        }

        var modern = context.IsModern;
        await context.RespondAsync(new ListToolsResult
        {
            Tools = tools,
            NextCursor = next,
            ResultType = modern ? ResultTypes.Complete : null,
            TtlMs = modern ? ListTtl : null,
            CacheScope = modern ? _options.CacheScope : null,
            Meta = modern ? _serverInfoMeta : null,
        }, McpJsonContext.Default.ListToolsResult).ConfigureAwait(false);
    }

    private async Task ListPromptsAsync(McpRequestContext context)
    {
        var items = Prompts.Items;
        var (start, end, next) = Page(context, items.Count);
        var modern = context.IsModern;
        await context.RespondAsync(new ListPromptsResult
        {
            Prompts = [.. items.Skip(start).Take(end - start).Select(p => p.Definition)],
            NextCursor = next,
            ResultType = modern ? ResultTypes.Complete : null,
            TtlMs = modern ? ListTtl : null,
            CacheScope = modern ? _options.CacheScope : null,
            Meta = modern ? _serverInfoMeta : null,
        }, McpJsonContext.Default.ListPromptsResult).ConfigureAwait(false);
    }

    private async Task ListResourcesAsync(McpRequestContext context)
    {
        var items = Resources.Items;
        var (start, end, next) = Page(context, items.Count);
        var modern = context.IsModern;
        await context.RespondAsync(new ListResourcesResult
        {
            Resources = [.. items.Skip(start).Take(end - start).Select(p => p.Definition)],
            NextCursor = next,
            ResultType = modern ? ResultTypes.Complete : null,
            TtlMs = modern ? ListTtl : null,
            CacheScope = modern ? _options.CacheScope : null,
            Meta = modern ? _serverInfoMeta : null,
        }, McpJsonContext.Default.ListResourcesResult).ConfigureAwait(false);
    }

    private async Task ListResourceTemplatesAsync(McpRequestContext context)
    {
        var items = ResourceTemplates.Items;
        var (start, end, next) = Page(context, items.Count);
        var modern = context.IsModern;
        await context.RespondAsync(new ListResourceTemplatesResult
        {
            ResourceTemplates = [.. items.Skip(start).Take(end - start).Select(p => p.Definition)],
            NextCursor = next,
            ResultType = modern ? ResultTypes.Complete : null,
            TtlMs = modern ? ListTtl : null,
            CacheScope = modern ? _options.CacheScope : null,
            Meta = modern ? _serverInfoMeta : null,
        }, McpJsonContext.Default.ListResourceTemplatesResult).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- tools/call (SV-04, SV-09)

    private async Task CallToolAsync(McpRequestContext context)
    {
        // One pass over the raw params: the name, the arguments' bytes, and whether MRTR fields came along.
        var scan = ScanCall(context.Message);
        if (context.IsModern && scan.HasInputFields)
        {
            await CallToolWithInputAsync(context).ConfigureAwait(false);
            return;
        }

        if (!Tools.TryGet(scan.Name, out var tool))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Unknown tool: '{ClientText.Clip(scan.Name)}'.");
        }

        using var mcp = new McpContext(this, context, scan.Name, default, null, false, null);
        if (scan.HasArguments)
        {
            mcp.SetRawArguments(scan.Arguments);
        }

        await RunToolAsync(context, tool, mcp, default).ConfigureAwait(false);
    }

    /// <summary>tools/call carrying inputResponses or requestState (2026-07-28 MRTR retries): read with a DOM.</summary>
    private async Task CallToolWithInputAsync(McpRequestContext context)
    {
        using var document = ParseParams(context);
        var root = document.RootElement;
        var name = RequireString(root, "name", "tools/call needs params.name.");
        if (!Tools.TryGet(name, out var tool))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Unknown tool: '{ClientText.Clip(name)}'.");
        }

        var arguments = default(JsonElement);
        if (root.TryGetProperty("arguments", out var args) && args.ValueKind != JsonValueKind.Null)
        {
            if (args.ValueKind != JsonValueKind.Object)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: arguments must be an object.");
            }

            arguments = args;
        }

        using var mcp = CreateContext(context, McpMethods.ToolsCall, name, arguments, root);
        await RunToolAsync(context, tool, mcp, arguments).ConfigureAwait(false);
    }

    private async Task RunToolAsync(McpRequestContext context, McpServerTool tool, McpContext mcp, JsonElement arguments)
    {
        var name = tool.Name;
        CallToolResult result;

        // The arguments meet the tool's input schema before its handler runs (SV-10): an isError result from 2025-11-25
        // on (M-SV-08: the model can correct itself), -32602 before it. Read straight from the request's bytes on the
        // fast path, from the DOM's own bytes on the MRTR path.
        var problem = mcp.TryGetRawArguments(out var raw) ? tool.Validator.Validate(raw)
            : tool.Validator.Validate(arguments.ValueKind == JsonValueKind.Object ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(arguments) : default);
        if (problem is not null)
        {
            var message = $"Invalid arguments for tool '{name}': {problem}.";
            if (!context.IsModern && context.ProtocolVersion < McpProtocolVersion.V2025_11_25)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, message);
            }

            await WriteToolResultAsync(context, McpResults.Error(message)).ConfigureAwait(false);
            return;
        }

        try
        {
            result = await tool.Handler(mcp).ConfigureAwait(false);
        }
        catch (InputRequiredException input) when (context.IsModern)
        {
            await RespondInputRequiredAsync(context, McpMethods.ToolsCall, name, mcp.TryGetRawArguments(out _) ? mcp.Arguments : arguments, mcp, input).ConfigureAwait(false);
            return;
        }
        catch (McpException e) when (!context.IsModern && e is McpMissingCapabilityException or ClientNotReadyException)
        {
            // SV-29 / LC-06: fail the call instead of sending a request the client cannot take.
            result = McpResults.Error(e.Message);
        }
        catch (McpException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // SV-09: an execution failure is a result with isError, never a crashed stream. Its message stays in the
            // log: exception text can hold paths, connection strings or user data (McpToolException's is shown).
            LogToolFailed(_logger, name, e);
            result = McpResults.Error(e is McpToolException || _options.IncludeExceptionDetails
                ? $"Tool '{name}' failed: {e.Message}"
                : $"Tool '{name}' failed with an unexpected error.");
        }

        await WriteToolResultAsync(context, result).ConfigureAwait(false);
    }

    private async Task WriteToolResultAsync(McpRequestContext context, CallToolResult result)
    {
        var modern = context.IsModern;
        if (result.Content is [TextContent { Annotations: null, Meta: null } text] && result.StructuredContent is null && result.Meta is null && result.ResultType is null)
        {
            // The common shape, written by a callback: no polymorphic serialization, no intermediate objects.
            await context.RespondAsync(static (json, s) =>
            {
                json.WriteStartObject();
                json.WritePropertyName("content"u8);
                json.WriteStartArray();
                json.WriteStartObject();
                json.WriteString("type"u8, "text"u8);
                json.WriteString("text"u8, s.Text);
                json.WriteEndObject();
                json.WriteEndArray();
                if (s.IsError is { } isError)
                {
                    json.WriteBoolean("isError"u8, isError);
                }

                if (s.Modern)
                {
                    json.WriteString("resultType"u8, "complete"u8);
                    json.WritePropertyName("_meta"u8);
                    s.Meta.WriteTo(json);
                }

                json.WriteEndObject();
            }, (text.Text, result.IsError, Modern: modern, Meta: _serverInfoMeta)).ConfigureAwait(false);
            return;
        }

        if (modern)
        {
            result.ResultType ??= ResultTypes.Complete;
            result.Meta ??= _serverInfoMeta;
        }

        await context.RespondAsync(result, McpJsonContext.Default.CallToolResult).ConfigureAwait(false);
    }

    private readonly record struct CallScan(string Name, bool HasArguments, ReadOnlySequence<byte> Arguments, bool HasInputFields);

    /// <summary>
    /// Name, arguments (as a slice) and the presence of MRTR fields of tools/call, from what the reader picked out of
    /// params as it read the message (no second pass).
    /// </summary>
    private static CallScan ScanCall(in JsonRpcMessage message)
    {
        if (!message.HasParams)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: tools/call needs params.");
        }

        var envelope = message.Envelope;
        Span<byte> first = stackalloc byte[1];
        message.Params.Slice(0, 1).CopyTo(first);
        if (first[0] != (byte)'{')
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: params must be an object.");
        }

        var name = envelope.NameKind switch
        {
            JsonValueKind.Undefined => null,
            JsonValueKind.String => envelope.GetName(),
            _ => throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: tools/call needs params.name as a string."),
        };
        if (string.IsNullOrEmpty(name))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: tools/call needs params.name.");
        }

        var hasArguments = envelope.ArgumentsKind switch
        {
            JsonValueKind.Object => true,
            JsonValueKind.Undefined or JsonValueKind.Null => false,
            _ => throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: arguments must be an object."),
        };
        return new CallScan(name, hasArguments, hasArguments ? envelope.Arguments : default, envelope.HasInputFields);
    }

    // ---------------------------------------------------------------- resources (SV-15..SV-20, M-SV-11)

    private async Task ReadResourceAsync(McpRequestContext context)
    {
        using var document = ParseParams(context);
        var root = document.RootElement;
        var uri = RequireString(root, "uri", "resources/read needs params.uri.");
        McpResourceHandler? handler = null;
        if (Resources.TryGet(uri, out var resource))
        {
            handler = resource.Handler;
        }
        else
        {
            foreach (var template in ResourceTemplates.Items)
            {
                if (template.Template.TryMatch(uri, out var variables))
                {
                    var matched = template;
                    handler = c => matched.Handler(c, variables);
                    break;
                }
            }
        }

        if (handler is null)
        {
            // M-SV-11: -32602 in 2026-07-28; SV-20: -32002 with data.uri before. Never an empty contents.
            var data = JsonSerializer.SerializeToElement(new ResourceNotFoundErrorData { Uri = uri }, McpJsonContext.Default.ResourceNotFoundErrorData);
            throw new McpException(context.IsModern ? JsonRpcErrorCode.InvalidParams : JsonRpcErrorCode.ResourceNotFound, $"Resource not found: {ClientText.Clip(uri)}", data);
        }

        using var mcp = CreateContext(context, McpMethods.ResourcesRead, uri, default, root);
        ReadResourceResult result;
        try
        {
            result = await handler(mcp).ConfigureAwait(false);
        }
        catch (InputRequiredException input) when (context.IsModern)
        {
            await RespondInputRequiredAsync(context, McpMethods.ResourcesRead, uri, default, mcp, input).ConfigureAwait(false);
            return;
        }

        if (result.Contents.Count == 0)
        {
            throw new McpException(JsonRpcErrorCode.InternalError, $"Resource {uri} produced no contents.");
        }

        if (context.IsModern)
        {
            result.ResultType ??= ResultTypes.Complete;
            result.TtlMs ??= (long)_options.ReadCacheTtl.TotalMilliseconds;
            result.CacheScope ??= _options.CacheScope;
            result.Meta ??= _serverInfoMeta;
        }

        await context.RespondAsync(result, McpJsonContext.Default.ReadResourceResult).ConfigureAwait(false);
    }

    private async Task SubscribeAsync(McpRequestContext context, bool subscribe)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.ResourceUriParams)
            ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: needs uri.");
        if (context.Session is { } session)
        {
            var subscriptions = GetState(session).Subscriptions;
            if (subscribe && !subscriptions.ContainsKey(request.Uri) && subscriptions.Count >= _options.MaxSubscriptionsPerSession)
            {
                await context.RespondLimitReachedAsync(429, $"Too Many Requests: this session has its most ({_options.MaxSubscriptionsPerSession}) resource subscriptions; unsubscribe from one first.", TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                return;
            }

            if (subscribe)
            {
                subscriptions[request.Uri] = 0;
            }
            else
            {
                subscriptions.TryRemove(request.Uri, out _);
            }
        }

        await context.RespondAsync(s_emptyObject, McpJsonContext.Default.JsonElement).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- prompts (SV-24..SV-26)

    private async Task GetPromptAsync(McpRequestContext context)
    {
        using var document = ParseParams(context);
        var root = document.RootElement;
        var name = RequireString(root, "name", "prompts/get needs params.name.");
        if (!Prompts.TryGet(name, out var prompt))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Unknown prompt: '{ClientText.Clip(name)}'.");
        }

        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var rawArguments = default(JsonElement);
        if (root.TryGetProperty("arguments", out var args) && args.ValueKind != JsonValueKind.Null)
        {
            if (args.ValueKind != JsonValueKind.Object)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: prompt arguments must be an object of strings.");
            }

            rawArguments = args;
            foreach (var arg in args.EnumerateObject())
            {
                if (arg.Value.ValueKind != JsonValueKind.String)
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: prompt argument '{ClientText.Clip(arg.Name)}' must be a string.");
                }

                arguments[arg.Name] = arg.Value.GetString()!;
            }
        }

        foreach (var declared in prompt.Definition.Arguments ?? [])
        {
            if (declared.Required == true && !arguments.ContainsKey(declared.Name))
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: prompt '{name}' needs argument '{declared.Name}'.");
            }
        }

        using var mcp = CreateContext(context, McpMethods.PromptsGet, name, rawArguments, root);
        GetPromptResult result;
        try
        {
            result = await prompt.Handler(mcp, arguments).ConfigureAwait(false);
        }
        catch (InputRequiredException input) when (context.IsModern)
        {
            await RespondInputRequiredAsync(context, McpMethods.PromptsGet, name, rawArguments, mcp, input).ConfigureAwait(false);
            return;
        }

        if (context.IsModern)
        {
            result.ResultType ??= ResultTypes.Complete;
            result.Meta ??= _serverInfoMeta;
        }

        await context.RespondAsync(result, McpJsonContext.Default.GetPromptResult).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- completion (UT-22..UT-25)

    private async Task CompleteAsync(McpRequestContext context)
    {
        var request = context.Message.DeserializeParams(McpJsonContext.Default.CompleteRequestParams)
            ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: completion/complete needs ref and argument.");
        McpCompletionHandler? handler;
        switch (request.Ref.Type)
        {
            case "ref/prompt":
                if (request.Ref.Name is not { } promptName || !Prompts.TryGet(promptName, out var prompt))
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: unknown prompt '{ClientText.Clip(request.Ref.Name)}'.");
                }

                handler = prompt.Complete;
                break;
            case "ref/resource":
                var template = ResourceTemplates.Items.FirstOrDefault(t => t.Definition.UriTemplate == request.Ref.Uri);
                if (template is null && (request.Ref.Uri is null || !Resources.TryGet(request.Ref.Uri, out _)))
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: unknown resource or template '{ClientText.Clip(request.Ref.Uri)}'.");
                }

                handler = template?.Complete;
                break;
            default:
                throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: ref.type must be ref/prompt or ref/resource, not '{ClientText.Clip(request.Ref.Type)}'.");
        }

        IReadOnlyDictionary<string, string>? contextArguments = request.Context?.Arguments is { } ca ? new Dictionary<string, string>(ca, StringComparer.Ordinal) : null;
        var values = handler is null ? [] : (await handler(request.Argument.Name, request.Argument.Value, contextArguments).ConfigureAwait(false)).ToList();

        // UT-24: at most 100 values; total tells how many there were.
        await context.RespondAsync(new CompleteResult
        {
            Completion = new Completion { Values = values.Count > 100 ? values.GetRange(0, 100) : values, Total = values.Count, HasMore = values.Count > 100 },
            ResultType = context.IsModern ? ResultTypes.Complete : null,
            Meta = context.IsModern ? _serverInfoMeta : null,
        }, McpJsonContext.Default.CompleteResult).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- MRTR (M-MR-*)

    private McpContext CreateContext(McpRequestContext context, string method, string name, JsonElement arguments, JsonElement root)
    {
        if (!context.IsModern)
        {
            return new McpContext(this, context, name, arguments, null, false, null);
        }

        Dictionary<string, JsonElement>? answers = null;
        var verified = false;
        JsonElement? toolState = null;
        if (root.TryGetProperty("requestState", out var state))
        {
            if (state.ValueKind != JsonValueKind.String || state.GetString() is not { } text || text.Length > _options.MaxRequestStateLength)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: requestState must be the string this server issued.");
            }

            var contents = _stateProtector.Open(text, out var error)
                ?? throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: " + error + "");
            if (contents.Method != method || contents.Name != name || contents.ArgumentsDigest != RequestStateProtector.DigestArguments(arguments)
                || contents.Principal != RequestStateProtector.DigestPrincipal(context.User))
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: requestState belongs to a different request.");
            }

            answers = contents.Answers;
            verified = true;
            toolState = contents.ToolState;
        }

        if (root.TryGetProperty("inputResponses", out var responses))
        {
            // M-MR-14: malformed input is a JSON-RPC error; unknown keys are ignored; missing answers are asked again.
            if (responses.ValueKind != JsonValueKind.Object)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: inputResponses must be an object mapping each inputRequests key to its result.");
            }

            answers ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var response in responses.EnumerateObject())
            {
                if (response.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: inputResponses[\"{response.Name}\"] must be an ElicitResult, CreateMessageResult or ListRootsResult object.");
                }

                answers[response.Name] = response.Value.Clone();
            }
        }

        return new McpContext(this, context, name, arguments, answers, verified, toolState);
    }

    private async Task RespondInputRequiredAsync(McpRequestContext context, string method, string name, JsonElement arguments, McpContext mcp, InputRequiredException input)
    {
        var carried = mcp.ConsumedAnswers ?? new Dictionary<string, JsonElement>();
        var state = _stateProtector.Seal(method, name, RequestStateProtector.DigestArguments(arguments), RequestStateProtector.DigestPrincipal(context.User), _options.RequestStateLifetime, carried, mcp.State);
        await context.RespondAsync(new InputRequiredResult
        {
            ResultType = ResultTypes.InputRequired,
            InputRequests = input.Requests,
            RequestState = state,
            Meta = _serverInfoMeta,
        }, McpJsonContext.Default.InputRequiredResult).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- helpers

    private static JsonDocument ParseParams(McpRequestContext context)
    {
        if (!context.Message.HasParams)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Invalid params: {context.Message.MethodName} needs params.");
        }

        var document = JsonDocument.Parse(context.Message.Params);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: params must be an object.");
        }

        return document;
    }

    private static string RequireString(JsonElement root, string property, string message) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: " + message);
}

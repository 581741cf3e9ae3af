using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Server;

/// <summary>A tool's handler: returns the result, or throws (<see cref="McpException"/> for a JSON-RPC error; anything else becomes an <c>isError</c> result).</summary>
public delegate ValueTask<CallToolResult> McpToolHandler(McpContext context);

/// <summary>A resource's handler.</summary>
public delegate ValueTask<ReadResourceResult> McpResourceHandler(McpContext context);

/// <summary>A resource template's handler; <paramref name="variables"/> holds the values matched in the URI.</summary>
public delegate ValueTask<ReadResourceResult> McpResourceTemplateHandler(McpContext context, IReadOnlyDictionary<string, string> variables);

/// <summary>A prompt's handler; <paramref name="arguments"/> holds the arguments sent (required ones are checked before).</summary>
public delegate ValueTask<GetPromptResult> McpPromptHandler(McpContext context, IReadOnlyDictionary<string, string> arguments);

/// <summary>Completes one argument value (UT-23): the candidates for <paramref name="value"/>, best first.</summary>
public delegate ValueTask<IEnumerable<string>> McpCompletionHandler(string argumentName, string value, IReadOnlyDictionary<string, string>? context);

/// <summary>
/// Whether a tool's calls may run as tasks (the tasks extension, <c>io.modelcontextprotocol/tasks</c>, SEP-2663). A
/// call becomes a task only when its request declares the extension and the tool has not finished by its first
/// yield: what the handler decides before that (an MRTR input round, a quick result) is answered at once (T-10, T-21).
/// </summary>
public enum McpTaskSupport
{
    /// <summary>Never a task.</summary>
    None,

    /// <summary>A task when the request declares the extension; a plain call otherwise (T-02).</summary>
    Optional,

    /// <summary>Only as a task: a request that does not declare the extension gets -32021 (T-04).</summary>
    Required,
}

/// <summary>A tool as registered: its definition (name, description, schema carried verbatim) and its handler.</summary>
public sealed class McpServerTool
{
    private McpServerTool(Tool definition, McpToolHandler handler, IReadOnlyList<ToolHeaderAnnotation> headers, McpTaskSupport taskSupport)
    {
        if (!Enum.IsDefined(taskSupport))
        {
            throw new ArgumentOutOfRangeException(nameof(taskSupport));
        }

        TaskSupport = taskSupport;
        Definition = definition;
        Handler = handler;
        HeaderAnnotations = headers;
        Validator = ToolArgumentValidator.Create(definition.InputSchema);
    }

    /// <summary>Checks arguments against the input schema before the handler runs.</summary>
    internal ToolArgumentValidator Validator { get; }

    /// <summary>The definition listed by tools/list.</summary>
    public Tool Definition { get; }

    /// <summary>The tool's name.</summary>
    public string Name => Definition.Name;

    /// <summary>Whether a call may run as a task (the tasks extension, SEP-2663).</summary>
    public McpTaskSupport TaskSupport { get; }

    internal McpToolHandler Handler { get; }

    internal IReadOnlyList<ToolHeaderAnnotation> HeaderAnnotations { get; }

    /// <summary>
    /// A tool with an explicit JSON Schema for its arguments, kept verbatim (JSON Schema 2020-12 keywords, <c>$defs</c>,
    /// <c>x-mcp-header</c> annotations). The handler reads <see cref="McpContext.Arguments"/>.
    /// </summary>
    public static McpServerTool Create(string name, string description, string inputSchemaJson, McpToolHandler handler, Action<Tool>? configure = null, McpTaskSupport taskSupport = McpTaskSupport.None)
    {
        ArgumentNullException.ThrowIfNull(inputSchemaJson);
        using var document = JsonDocument.Parse(inputSchemaJson);
        return Create(name, description, document.RootElement.Clone(), handler, configure, taskSupport);
    }

    /// <summary>A tool with an explicit JSON Schema, kept verbatim.</summary>
    public static McpServerTool Create(string name, string description, JsonElement inputSchema, McpToolHandler handler, Action<Tool>? configure = null, McpTaskSupport taskSupport = McpTaskSupport.None)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ValidateName(name);
        if (inputSchema.ValueKind != JsonValueKind.Object || !inputSchema.TryGetProperty("type", out var type) || !type.ValueEquals("object"u8))
        {
            throw new ArgumentException("A tool's input schema is a JSON object with \"type\": \"object\" at the root.", nameof(inputSchema));
        }

        if (!ToolHeaderAnnotations.TryGetAnnotations(inputSchema, out var headers, out var error))
        {
            throw new ArgumentException($"Tool '{name}' has an invalid x-mcp-header annotation: {error}", nameof(inputSchema));
        }

        var tool = new Tool { Name = name, Description = description, InputSchema = inputSchema };
        configure?.Invoke(tool);
        return new McpServerTool(tool, handler, headers, taskSupport);
    }

    /// <summary>
    /// A tool whose arguments bind to <typeparamref name="TArgs"/> through source-generated metadata (no reflection at
    /// run time); the input schema is generated from the same metadata unless <paramref name="inputSchemaJson"/> is given.
    /// Arguments that do not bind give an <c>isError</c> result naming the problem (SV-09).
    /// </summary>
    public static McpServerTool Create<TArgs>(string name, string description, JsonTypeInfo<TArgs> argumentsType, Func<TArgs, McpContext, ValueTask<CallToolResult>> handler, string? inputSchemaJson = null, Action<Tool>? configure = null, McpTaskSupport taskSupport = McpTaskSupport.None)
    {
        ArgumentNullException.ThrowIfNull(argumentsType);
        ArgumentNullException.ThrowIfNull(handler);
        JsonElement schema;
        if (inputSchemaJson is not null)
        {
            using var document = JsonDocument.Parse(inputSchemaJson);
            schema = document.RootElement.Clone();
        }
        else
        {
            schema = GenerateSchema(argumentsType);
        }

        return Create(name, description, schema, async context =>
        {
            TArgs? args;
            try
            {
                if (context.TryGetRawArguments(out var raw))
                {
                    // Straight from the request's bytes: no DOM.
                    var reader = new Utf8JsonReader(raw);
                    args = JsonSerializer.Deserialize(ref reader, argumentsType);
                }
                else
                {
                    args = context.Arguments.ValueKind == JsonValueKind.Object
                        ? context.Arguments.Deserialize(argumentsType)
                        : JsonSerializer.Deserialize("{}"u8, argumentsType);
                }
            }
            catch (JsonException e)
            {
                return McpResults.Error($"Invalid arguments for tool '{name}': {JsonErrorText.Describe(e)}.");
            }

            if (args is null)
            {
                return McpResults.Error($"Invalid arguments for tool '{name}': expected an object.");
            }

            return await handler(args, context).ConfigureAwait(false);
        }, configure, taskSupport);
    }

    /// <summary>The JSON Schema of <typeparamref name="T"/> as System.Text.Json sees it, with <c>[Description]</c> texts.</summary>
    public static JsonElement GenerateSchema<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var node = JsonSchemaExporter.GetJsonSchemaAsNode(typeInfo, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = static (context, schema) =>
            {
                var provider = context.PropertyInfo?.AttributeProvider ?? context.TypeInfo.Type;
                var description = provider?.GetCustomAttributes(typeof(System.ComponentModel.DescriptionAttribute), inherit: false)
                    .OfType<System.ComponentModel.DescriptionAttribute>().FirstOrDefault()?.Description;
                if (description is not null && schema is JsonObject obj)
                {
                    obj.Insert(0, "description", description);
                }

                return schema;
            },
        });
        if (node is JsonObject root && root["type"] is JsonArray)
        {
            root["type"] = "object";
        }

        return JsonSerializer.SerializeToElement(node, McpServerJsonContext.Default.JsonNode);
    }

    /// <summary>SV-03 / M-SV-18: 1-128 characters from A-Z a-z 0-9 _ - .</summary>
    internal static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > 128)
        {
            throw new ArgumentException("A tool name has at most 128 characters.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException($"Tool name '{name}' has '{c}'; only A-Z, a-z, 0-9, '_', '-' and '.' are allowed.", nameof(name));
            }
        }
    }
}

/// <summary>A direct resource: listed by resources/list, read by its exact URI.</summary>
public sealed class McpServerResource(Resource definition, McpResourceHandler handler)
{
    /// <summary>The definition listed by resources/list.</summary>
    public Resource Definition { get; } = definition ?? throw new ArgumentNullException(nameof(definition));

    internal McpResourceHandler Handler { get; } = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>A resource with fixed text content.</summary>
    public static McpServerResource Text(string uri, string name, string text, string mimeType = "text/plain", string? description = null) =>
        new(new Resource { Uri = uri, Name = name, MimeType = mimeType, Description = description }, _ =>
            ValueTask.FromResult(new ReadResourceResult { Contents = [new ResourceContents { Uri = uri, MimeType = mimeType, Text = text }] }));

    /// <summary>A resource with fixed binary content (sent as Base64, SV-16).</summary>
    public static McpServerResource Binary(string uri, string name, ReadOnlySpan<byte> data, string mimeType, string? description = null)
    {
        var blob = Convert.ToBase64String(data);
        return new(new Resource { Uri = uri, Name = name, MimeType = mimeType, Description = description }, _ =>
            ValueTask.FromResult(new ReadResourceResult { Contents = [new ResourceContents { Uri = uri, MimeType = mimeType, Blob = blob }] }));
    }
}

/// <summary>A resource template (RFC 6570 level 1: <c>{name}</c> expressions; SV-17).</summary>
public sealed class McpServerResourceTemplate
{
    /// <summary>Creates the template.</summary>
    public McpServerResourceTemplate(ResourceTemplate definition, McpResourceTemplateHandler handler, McpCompletionHandler? complete = null)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        Handler = handler ?? throw new ArgumentNullException(nameof(handler));
        Complete = complete;
        Template = new UriTemplate(definition.UriTemplate);
    }

    /// <summary>The definition listed by resources/templates/list.</summary>
    public ResourceTemplate Definition { get; }

    internal McpResourceTemplateHandler Handler { get; }

    internal McpCompletionHandler? Complete { get; }

    internal UriTemplate Template { get; }
}

/// <summary>A prompt: its definition and handler, and optionally completion of its arguments.</summary>
public sealed class McpServerPrompt(Prompt definition, McpPromptHandler handler, McpCompletionHandler? complete = null)
{
    /// <summary>The definition listed by prompts/list.</summary>
    public Prompt Definition { get; } = definition ?? throw new ArgumentNullException(nameof(definition));

    /// <summary>The prompt's name.</summary>
    public string Name => Definition.Name;

    internal McpPromptHandler Handler { get; } = handler ?? throw new ArgumentNullException(nameof(handler));

    internal McpCompletionHandler? Complete { get; } = complete;
}

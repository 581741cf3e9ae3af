using System.Text.Json.Serialization.Metadata;
using Mcp.Raw.Protocol.Mcp;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Server;

/// <summary>Registers tools, prompts and resources on the server created by <c>AddMcpRawServer</c>.</summary>
public sealed class McpServerBuilder
{
    private readonly List<Action<McpServer, IServiceProvider>> _steps = [];

    internal McpServerBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a tool with an explicit JSON Schema, kept verbatim.</summary>
    public McpServerBuilder AddTool(string name, string description, string inputSchemaJson, McpToolHandler handler, Action<Tool>? configure = null, McpTaskSupport taskSupport = McpTaskSupport.None) =>
        Add(McpServerTool.Create(name, description, inputSchemaJson, handler, configure, taskSupport));

    /// <summary>Adds a tool whose arguments bind to <typeparamref name="TArgs"/> (source-generated metadata).</summary>
    public McpServerBuilder AddTool<TArgs>(string name, string description, JsonTypeInfo<TArgs> argumentsType, Func<TArgs, McpContext, ValueTask<CallToolResult>> handler, string? inputSchemaJson = null, Action<Tool>? configure = null, McpTaskSupport taskSupport = McpTaskSupport.None) =>
        Add(McpServerTool.Create(name, description, argumentsType, handler, inputSchemaJson, configure, taskSupport));

    /// <summary>Adds a tool.</summary>
    public McpServerBuilder Add(McpServerTool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        _steps.Add((s, _) => s.Tools.Add(tool));
        return this;
    }

    /// <summary>Adds a resource.</summary>
    public McpServerBuilder Add(McpServerResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _steps.Add((s, _) => s.Resources.Add(resource));
        return this;
    }

    /// <summary>Adds a resource template.</summary>
    public McpServerBuilder Add(McpServerResourceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        _steps.Add((s, _) => s.ResourceTemplates.Add(template));
        return this;
    }

    /// <summary>Adds a prompt.</summary>
    public McpServerBuilder Add(McpServerPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        _steps.Add((s, _) => s.Prompts.Add(prompt));
        return this;
    }

    /// <summary>Runs <paramref name="configure"/> on the server when it is created (for registrations that need services).</summary>
    public McpServerBuilder Configure(Action<McpServer, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _steps.Add(configure);
        return this;
    }

    internal void Apply(McpServer server, IServiceProvider services)
    {
        foreach (var step in _steps)
        {
            step(server, services);
        }
    }
}

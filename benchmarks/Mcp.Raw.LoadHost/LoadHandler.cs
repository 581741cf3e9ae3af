using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.LoadHost;

/// <summary>
/// The load workloads' server: echo {text} and progress {steps} (perf/README.md), written allocation-consciously
/// the way a tool author on the raw API would. Replaced by the demo server once the server layer exists.
/// </summary>
internal sealed class LoadHandler : IMcpMessageHandler
{
    public IReadOnlyList<ToolHeaderAnnotation>? GetToolHeaderAnnotations(string toolName) => [];

    public ValueTask HandleNotificationAsync(McpNotificationContext context) => ValueTask.CompletedTask;

    public async Task HandleRequestAsync(McpRequestContext context)
    {
        var m = context.Message;
        switch (m.Method)
        {
            case McpMethod.Initialize:
                context.Session!.Negotiate(McpProtocolVersion.V2025_06_18, null, null);
                await context.RespondAsync(new InitializeResult
                {
                    ProtocolVersion = "2025-06-18",
                    Capabilities = new ServerCapabilities { Tools = new CapabilityOptions() },
                    ServerInfo = new Implementation { Name = "mcp-raw-load", Version = "1" },
                }, McpJsonContext.Default.InitializeResult);
                return;
            case McpMethod.ToolsCall:
                break;
            default:
                await context.RespondErrorAsync(JsonRpcErrorCode.MethodNotFound, "Method not found");
                return;
        }

        // Read name and arguments straight from the raw params: no DOM.
        var reader = m.CreateParamsReader();
        string? text = null;
        var steps = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("text"u8))
                    {
                        reader.Read();
                        text = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("steps"u8))
                    {
                        reader.Read();
                        steps = reader.GetInt32();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (m.Envelope.NameEquals("progress"u8))
        {
            var token = m.Envelope.ProgressToken;
            for (var i = 1; i <= steps; i++)
            {
                await context.SendAsync(static (w, o, s) => w.WriteProgressNotification(o, s.token, s.i, s.steps), (token, i, steps));
                await context.SendAsync(static (w, o, i) => w.WriteLogNotification(o, "info"u8, StepText(i)), i);
            }

            text = "done";
        }

        await context.RespondAsync(static (json, t) =>
        {
            json.WriteStartObject();
            json.WritePropertyName("content"u8);
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("type"u8, "text"u8);
            json.WriteString("text"u8, t);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }, text ?? string.Empty);
    }

    private static readonly string[] s_steps = Enumerable.Range(0, 101).Select(i => "step " + i).ToArray();

    private static string StepText(int i) => (uint)i < (uint)s_steps.Length ? s_steps[i] : "step " + i;
}

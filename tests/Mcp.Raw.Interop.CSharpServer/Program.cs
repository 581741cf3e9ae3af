using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// The official C# SDK server with one tool that reports progress and logs per item, then answers (interop peer).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddMcpServer().WithHttpTransport().WithTools<InteropTools>();
var app = builder.Build();
app.MapMcp("/mcp");
app.Run();

[McpServerToolType]
internal sealed class InteropTools
{
    [McpServerTool(Name = "process_files"), Description("Processes items with progress and logs.")]
    public static async Task<string> ProcessFiles(McpServer server, RequestContext<CallToolRequestParams> context, string[] items, CancellationToken cancellationToken)
    {
        var token = context.Params?.ProgressToken;
        for (var i = 0; i < items.Length; i++)
        {
            if (token is { } t)
            {
                await server.SendNotificationAsync(NotificationMethods.ProgressNotification, new ProgressNotificationParams { ProgressToken = t, Progress = new ProgressNotificationValue { Progress = i + 1, Total = items.Length } }, cancellationToken: cancellationToken);
            }

            await server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, new LoggingMessageNotificationParams { Level = LoggingLevel.Info, Data = System.Text.Json.JsonSerializer.SerializeToElement($"Processing {items[i]} ({i + 1}/{items.Length})") }, cancellationToken: cancellationToken);
            await Task.Delay(10, cancellationToken);
        }

        return $"Processed {items.Length} items: {string.Join(", ", items)}";
    }
}

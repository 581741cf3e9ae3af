using System.Globalization;
using System.Text.Json.Serialization;
using Mcp.Raw.Server;

namespace Mcp.Raw.Benchmarks;

/// <summary>echo and progress written the way the demo writes them: typed arguments, McpContext, McpResults.</summary>
internal static class ServerTools
{
    public static void Register(McpServerBuilder builder)
    {
        builder.AddTool("echo", "Returns the text.", BenchJson.Default.EchoArgs, (a, _) => ValueTask.FromResult(McpResults.Text(a.Text ?? string.Empty)));
        builder.AddTool("progress", "Steps.", BenchJson.Default.StepsArgs, async (a, ctx) =>
        {
            for (var i = 1; i <= a.Steps; i++)
            {
                await ctx.ReportProgressAsync(i, a.Steps);
                await ctx.LogInfoAsync(string.Create(CultureInfo.InvariantCulture, $"step {i}"));
            }

            return McpResults.Text("done");
        });
    }
}

internal sealed class EchoArgs
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }
}

internal sealed class StepsArgs
{
    [JsonPropertyName("steps")]
    public int Steps { get; set; }
}

[JsonSerializable(typeof(EchoArgs))]
[JsonSerializable(typeof(StepsArgs))]
internal sealed partial class BenchJson : JsonSerializerContext;

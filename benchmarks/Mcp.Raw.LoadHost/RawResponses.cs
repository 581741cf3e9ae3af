using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.LoadHost;

/// <summary>The bytes the MCP server sends for the workloads, reproduced for the raw baseline.</summary>
internal static class RawResponses
{
    private static readonly byte[] s_echoJson = Encoding.UTF8.GetBytes(Echo);
    private static readonly byte[] s_progressSse = Encoding.UTF8.GetBytes(ProgressSse(10));
    private static readonly byte[][] s_progressFrames = ProgressSse(10).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f => Encoding.UTF8.GetBytes(f + "\n\n")).ToArray();

    /// <summary>
    /// The ceiling: read the whole body, as a server must, then write the fixed answer of the workload (SSE when the
    /// query string says <c>sse</c>). With <c>sse&amp;flush</c> the second SSE ceiling: each frame written and flushed on
    /// its own, as a server that flushes per event does, so streaming cost and flush coalescing can be read apart.
    /// </summary>
    public static async Task HandleAsync(HttpContext context)
    {
        while (true)
        {
            var read = await context.Request.BodyReader.ReadAsync();
            context.Request.BodyReader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        var sse = context.Request.Query.ContainsKey("sse");
        var body = sse ? s_progressSse : s_echoJson;
        context.Response.ContentType = sse ? "text/event-stream" : "application/json";
        if (!sse)
        {
            context.Response.ContentLength = body.Length;
        }

        if (sse && context.Request.Query.ContainsKey("flush"))
        {
            foreach (var frame in s_progressFrames)
            {
                await context.Response.BodyWriter.WriteAsync(frame);
            }

            return;
        }

        await context.Response.BodyWriter.WriteAsync(body);
    }

    public const string EchoText = "The quick brown fox jumps over the lazy dog, 51 ch.";

    public static string Echo => "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + EchoText + "\"}]}}";

    public static string ProgressSse(int steps)
    {
        var sb = new StringBuilder();
        for (var i = 1; i <= steps; i++)
        {
            sb.Append("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":").Append(i).Append(",\"total\":").Append(steps).Append("}}\n\n");
            sb.Append("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"step ").Append(i).Append("\"}}\n\n");
        }

        sb.Append("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}}\n\n");
        return sb.ToString();
    }
}

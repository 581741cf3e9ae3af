using System.Text;

namespace Mcp.Raw.LoadHost;

/// <summary>The bytes the MCP server sends for the workloads, reproduced for the raw baseline.</summary>
internal static class RawResponses
{
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

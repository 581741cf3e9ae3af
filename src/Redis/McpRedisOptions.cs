namespace Mcp.Raw.Redis;

/// <summary>Where the Redis stores keep their state.</summary>
public sealed class McpRedisOptions
{
    /// <summary>The StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>.</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>
    /// The prefix of every key and channel, so that several deployments can share one Redis. Default <c>mcp:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "mcp:";
}

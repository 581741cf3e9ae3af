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

    /// <summary>
    /// Configures the Data Protection system that protects the MRTR <c>requestState</c> (its key ring is in Redis,
    /// apart from the app's own): for example <c>b =&gt; b.ProtectKeysWithCertificate(cert)</c>. Without it the keys
    /// are stored unencrypted, so whoever can read Redis can forge a state.
    /// </summary>
    public Action<Microsoft.AspNetCore.DataProtection.IDataProtectionBuilder>? ConfigureDataProtection { get; set; }
}

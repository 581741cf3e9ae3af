using Microsoft.Extensions.Options;

namespace Mcp.Raw.Server;

/// <summary>
/// Checks <see cref="McpServerOptions"/> when the host starts (<c>ValidateOnStart</c>): a value that cannot work (a
/// page of no items, a negative cache hint, a cap of zero, a signing key too short to be secret) fails the start
/// with a message naming the option.
/// </summary>
internal sealed class McpServerOptionsValidator : IValidateOptions<McpServerOptions>
{
    /// <summary>The shortest <see cref="McpServerOptions.RequestStateKey"/> accepted (HMAC-SHA256's own size).</summary>
    internal const int MinRequestStateKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, McpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void AtLeast(long value, long min, string option)
        {
            if (value < min)
            {
                failures.Add($"McpServerOptions.{option} must be at least {min} (it is {value}).");
            }
        }

        void NotNegative(TimeSpan value, string option)
        {
            if (value < TimeSpan.Zero)
            {
                failures.Add($"McpServerOptions.{option} must not be negative (it is {value}).");
            }
        }

        if (options.ServerInfo is null || string.IsNullOrEmpty(options.ServerInfo.Name) || string.IsNullOrEmpty(options.ServerInfo.Version))
        {
            failures.Add("McpServerOptions.ServerInfo needs a name and a version.");
        }

        AtLeast(options.PageSize, 1, nameof(options.PageSize));
        NotNegative(options.ListCacheTtl, nameof(options.ListCacheTtl));
        NotNegative(options.ReadCacheTtl, nameof(options.ReadCacheTtl));
        if (options.CacheScope is not (Mcp.Raw.Protocol.Mcp.CacheScopes.Private or Mcp.Raw.Protocol.Mcp.CacheScopes.Public))
        {
            failures.Add($"McpServerOptions.CacheScope must be \"private\" or \"public\" (it is \"{options.CacheScope}\").");
        }

        if (options.RequestStateLifetime <= TimeSpan.Zero)
        {
            failures.Add($"McpServerOptions.RequestStateLifetime must be greater than zero (it is {options.RequestStateLifetime}).");
        }

        if (options.RequestStateKey is { Length: < MinRequestStateKeyBytes } key)
        {
            failures.Add($"McpServerOptions.RequestStateKey must be at least {MinRequestStateKeyBytes} secret bytes (it has {key.Length}); leave it null for a random key per process.");
        }

        if (!Enum.IsDefined(options.DefaultLogLevel))
        {
            failures.Add($"McpServerOptions.DefaultLogLevel is not a logging level ({(int)options.DefaultLogLevel}).");
        }

        AtLeast(options.MaxRequestStateLength, 1, nameof(options.MaxRequestStateLength));
        AtLeast(options.MaxSubscriptionsPerSession, 1, nameof(options.MaxSubscriptionsPerSession));
        AtLeast(options.MaxListenStreams, 1, nameof(options.MaxListenStreams));
        AtLeast(options.MaxListenStreamsPerPrincipal, 1, nameof(options.MaxListenStreamsPerPrincipal));

        // The tasks extension: ttlMs and pollIntervalMs are positive integers on the wire (T-08).
        if (options.TaskTimeToLive is { } ttl && ttl < TimeSpan.FromMilliseconds(1))
        {
            failures.Add($"McpServerOptions.TaskTimeToLive must be at least 1 ms, or null to keep finished tasks as long as the store does (it is {ttl}).");
        }

        if (options.TaskPollInterval < TimeSpan.FromMilliseconds(1))
        {
            failures.Add($"McpServerOptions.TaskPollInterval must be at least 1 ms (it is {options.TaskPollInterval}).");
        }

        AtLeast(options.MaxTasks, 1, nameof(options.MaxTasks));
        AtLeast(options.MaxRunningTasksPerPrincipal, 1, nameof(options.MaxRunningTasksPerPrincipal));
        if (options.MaxTaskBytes < 1)
        {
            failures.Add($"McpServerOptions.MaxTaskBytes must be at least 1 (it is {options.MaxTaskBytes}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

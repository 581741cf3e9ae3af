using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Hosting;

/// <summary>
/// Checks <see cref="StreamableHttpOptions"/> when the host starts (<c>ValidateOnStart</c>): a value that cannot
/// work (a zero interval, a cap of zero, a path without a leading slash, an origin that is not an origin) fails the
/// start with a message naming the option, instead of misbehaving under load.
/// </summary>
internal sealed class StreamableHttpOptionsValidator : IValidateOptions<StreamableHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamableHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Positive(TimeSpan value, string option)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"StreamableHttpOptions.{option} must be greater than zero (it is {value}).");
            }
        }

        void AtLeast(long value, long min, string option)
        {
            if (value < min)
            {
                failures.Add($"StreamableHttpOptions.{option} must be at least {min} (it is {value}).");
            }
        }

        Positive(options.KeepAliveInterval, nameof(options.KeepAliveInterval));
        Positive(options.SessionIdleTimeout, nameof(options.SessionIdleTimeout));
        Positive(options.RetryInterval, nameof(options.RetryInterval));
        Positive(options.ServerRequestTimeout, nameof(options.ServerRequestTimeout));
        Positive(options.EventRetention, nameof(options.EventRetention));
        Positive(options.CompletedStreamRetention, nameof(options.CompletedStreamRetention));
        Positive(options.DeliveredStreamRetention, nameof(options.DeliveredStreamRetention));
        if (options.DeliveredStreamRetention < 2 * options.RetryInterval)
        {
            // A client that lost the last bytes reconnects after the retry interval; the stream must still be there.
            failures.Add($"StreamableHttpOptions.DeliveredStreamRetention must be at least twice RetryInterval (it is {options.DeliveredStreamRetention}; RetryInterval is {options.RetryInterval}).");
        }
        AtLeast(options.MaxSessions, 1, nameof(options.MaxSessions));
        AtLeast(options.MaxSessionsPerPrincipal, 1, nameof(options.MaxSessionsPerPrincipal));
        AtLeast(options.MaxAnonymousSessionsPerAddress, 1, nameof(options.MaxAnonymousSessionsPerAddress));
        AtLeast(options.MaxHttpSse2024Sessions, 0, nameof(options.MaxHttpSse2024Sessions));
        AtLeast(options.MaxRequestsInFlightPerSession, 1, nameof(options.MaxRequestsInFlightPerSession));
        AtLeast(options.MaxRequestBodyBytes, 64, nameof(options.MaxRequestBodyBytes));
        AtLeast(options.MaxJsonDepth, 4, nameof(options.MaxJsonDepth));
        AtLeast(options.MaxEventsPerStream, 1, nameof(options.MaxEventsPerStream));
        AtLeast(options.MaxEventBytesPerStream, 1, nameof(options.MaxEventBytesPerStream));
        AtLeast(options.MaxEventBytesPerSession, 1, nameof(options.MaxEventBytesPerSession));
        AtLeast(options.MaxEventStoreBytes, 1, nameof(options.MaxEventStoreBytes));
        if (options.MaxJsonDepth > 1_000)
        {
            failures.Add($"StreamableHttpOptions.MaxJsonDepth must be at most 1000 (it is {options.MaxJsonDepth}).");
        }

        if (options.HttpSse2024Path is { } sse && !sse.StartsWith('/'))
        {
            failures.Add($"StreamableHttpOptions.HttpSse2024Path must start with '/' (it is '{sse}').");
        }

        if (!options.HttpSse2024MessagesPath.StartsWith('/'))
        {
            failures.Add($"StreamableHttpOptions.HttpSse2024MessagesPath must start with '/' (it is '{options.HttpSse2024MessagesPath}').");
        }

        // Empty is allowed: a server that speaks only the 2025 session eras.
        if (options.ModernVersions.Any(v => !Protocol.Mcp.McpProtocolVersions.IsModern(v)))
        {
            failures.Add("StreamableHttpOptions.ModernVersions may list only 2026-07-28-era versions.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath.Length > 1 || uri.Query.Length > 0)
            {
                failures.Add($"StreamableHttpOptions.AllowedOrigins: '{origin}' is not an origin (scheme://host[:port], no path).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

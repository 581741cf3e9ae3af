using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Mcp.Raw.Redis;

/// <summary>
/// The one multiplexer the Redis stores share, connected on first use. It never gives up on a Redis that is down:
/// commands fail fast while it is away (<see cref="RedisConnectionException"/>), and the multiplexer reconnects by
/// itself when it returns.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;
    private CancellationTokenSource _outage = new();

    public RedisConnection(IOptions<McpRedisOptions> options, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        Prefix = o.KeyPrefix;
        _logger = logger;
        _configuration = ConfigurationOptions.Parse(o.Configuration);
        _configuration.AbortOnConnectFail = false;

        // While Redis is away, commands fail at once (503 to the client) rather than queue for the timeout.
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;

        // Exceptions never quote commands: a session's key holds its secret id.
        _configuration.IncludeDetailInExceptions = false;
        _configuration.ClientName ??= "mcp-raw";
    }

    /// <summary>The prefix of every key and channel.</summary>
    public string Prefix { get; }

    /// <summary>This node (this container of services) on the pub/sub channels: it ignores its own messages.</summary>
    public Guid NodeId { get; } = Guid.NewGuid();

    /// <summary>Fires when the connection to Redis fails after it was taken (each failure ends the token of its time).</summary>
    public CancellationToken Outage => Volatile.Read(ref _outage).Token;

    /// <summary>The multiplexer, connecting it on first use.</summary>
    public async ValueTask<ConnectionMultiplexer> GetAsync()
    {
        if (Volatile.Read(ref _multiplexer) is { } connected)
        {
            return connected;
        }

        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_multiplexer is null)
            {
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
                multiplexer.ConnectionFailed += (_, e) =>
                {
                    LogConnectionFailed(_logger, e.EndPoint, e.FailureType);
                    Interlocked.Exchange(ref _outage, new CancellationTokenSource()).Cancel();
                };
                multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint);
                Volatile.Write(ref _multiplexer, multiplexer);
            }

            return _multiplexer;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    public async ValueTask<IDatabase> DatabaseAsync() => (await GetAsync().ConfigureAwait(false)).GetDatabase();

    /// <summary>The database, for Data Protection's synchronous key repository: it connects (at most once) by blocking.</summary>
    public IDatabase GetDatabase() => (Volatile.Read(ref _multiplexer) ?? GetAsync().AsTask().GetAwaiter().GetResult()).GetDatabase();

    /// <summary>Closes the connection, for a container disposed synchronously.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _multiplexer, null)?.Dispose();
        _connectLock.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _multiplexer, null) is { } multiplexer)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} failed ({FailureType}); requests that need it get 503 until it returns.")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored.")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint);
}

namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>Limits and switches for <see cref="JsonRpcReader"/>.</summary>
public sealed class JsonRpcReaderOptions
{
    private readonly long _maxMessageBytes = 4 * 1024 * 1024;
    private readonly int _maxDepth = 64;
    private readonly int _maxBatchLength = 256;

    /// <summary>The default options: 4 MiB, depth 64, 256 messages per batch, batches allowed.</summary>
    public static JsonRpcReaderOptions Default { get; } = new();

    /// <summary>The largest body in bytes (at most 2 GiB - 1); a larger one is refused before it is parsed. Default 4 MiB.</summary>
    public long MaxMessageBytes
    {
        get => _maxMessageBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, int.MaxValue);
            _maxMessageBytes = value;
        }
    }

    /// <summary>The deepest nesting of objects and arrays, the top-level value counting as 1. Default 64, at least 8.</summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 8);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000);
            _maxDepth = value;
        }
    }

    /// <summary>The most messages in one batch. Default 256.</summary>
    public int MaxBatchLength
    {
        get => _maxBatchLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxBatchLength = value;
        }
    }

    /// <summary>Whether a JSON array body is read as a batch (2025-03-26); otherwise it is refused. Default true.</summary>
    public bool AllowBatches { get; init; } = true;
}

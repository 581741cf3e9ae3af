namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// What a body holds: one message, a batch of messages (each judged on its own), or a body-level error
/// (not JSON, too large, too deep, an empty or refused batch).
/// </summary>
public readonly struct JsonRpcPayload
{
    private readonly JsonRpcReadResult _single;
    private readonly JsonRpcReadResult[]? _batch;

    internal JsonRpcPayload(in JsonRpcReadResult single) => _single = single;

    internal JsonRpcPayload(JsonRpcReadResult[] batch) => _batch = batch;

    internal JsonRpcPayload(JsonRpcReadError bodyError)
    {
        BodyError = bodyError;
        HasBodyError = true;
    }

    /// <summary>Whether the whole body was refused; see <see cref="BodyError"/>.</summary>
    public bool HasBodyError { get; }

    /// <summary>The body-level error (the id is always absent).</summary>
    public JsonRpcReadError BodyError { get; }

    /// <summary>Whether the body is a JSON array (a batch).</summary>
    public bool IsBatch => _batch is not null;

    /// <summary>The number of messages: 0 on a body error, 1 for a single message.</summary>
    public int Count => HasBodyError ? 0 : _batch?.Length ?? 1;

    /// <summary>The message at <paramref name="index"/>.</summary>
    public JsonRpcReadResult this[int index]
    {
        get
        {
            if (_batch is not null)
            {
                return _batch[index];
            }

            ArgumentOutOfRangeException.ThrowIfNotEqual(index, 0);
            if (HasBodyError)
            {
                ThrowHelper.ThrowInvalidOperationException(BodyError.Message);
            }

            return _single;
        }
    }

    /// <summary>The one message of a non-batch body.</summary>
    public JsonRpcReadResult Single
    {
        get
        {
            if (_batch is not null || HasBodyError)
            {
                ThrowHelper.ThrowInvalidOperationException("The payload is not a single message.");
            }

            return _single;
        }
    }
}

namespace Mcp.Raw.Server.Tasks;

/// <summary>
/// A task as a store keeps it: an immutable snapshot, changed with <c>with</c> through
/// <see cref="ITaskStore.UpdateAsync"/>. The payloads are compact JSON (UTF-8): what a distributed store writes as is.
/// </summary>
public sealed record McpTaskRecord
{
    /// <summary>The unguessable id (T-26).</summary>
    public required string TaskId { get; init; }

    /// <summary>The principal key of the caller that created it (null: anonymous); every task request is checked against it (T-26).</summary>
    public string? Owner { get; init; }

    /// <summary>The tool that runs.</summary>
    public required string ToolName { get; init; }

    /// <summary>The state.</summary>
    public McpTaskState State { get; init; }

    /// <summary>A human-readable status (<c>statusMessage</c>), or null.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>How long it stays readable, in milliseconds (<c>ttlMs</c>; null: as long as the store keeps it).</summary>
    public long? TtlMs { get; init; }

    /// <summary>The poll interval suggested to the client (<c>pollIntervalMs</c>).</summary>
    public long? PollIntervalMs { get; init; }

    /// <summary>While <see cref="McpTaskState.InputRequired"/>: every outstanding input request, a JSON object key -> <c>{method, params}</c> (T-19).</summary>
    public ReadOnlyMemory<byte> InputRequests { get; init; }

    /// <summary>When completed: the tool's result, exactly as <c>tools/call</c> would have returned it (T-13).</summary>
    public ReadOnlyMemory<byte> Result { get; init; }

    /// <summary>When failed: the JSON-RPC error object <c>{code, message, data?}</c> (T-14).</summary>
    public ReadOnlyMemory<byte> Error { get; init; }

    /// <summary>The bytes the record holds, for a store's bound.</summary>
    public long Size => 256 + (TaskId.Length + ToolName.Length + (Owner?.Length ?? 0) + (StatusMessage?.Length ?? 0)) * 2L
        + InputRequests.Length + Result.Length + Error.Length;
}

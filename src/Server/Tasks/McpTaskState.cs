namespace Mcp.Raw.Server.Tasks;

/// <summary>Where a task is in its life (the tasks extension, SEP-2663). The last three never change (T-18).</summary>
public enum McpTaskState
{
    /// <summary><c>working</c>: the tool is running.</summary>
    Working,

    /// <summary><c>input_required</c>: the tool waits for the answers to its <c>inputRequests</c> (<c>tasks/update</c>, T-19).</summary>
    InputRequired,

    /// <summary><c>completed</c>: the tool returned; its result (possibly <c>isError</c>) is inlined (T-13, T-14).</summary>
    Completed,

    /// <summary><c>failed</c>: the call ended in a JSON-RPC error, inlined as <c>error</c> (T-14).</summary>
    Failed,

    /// <summary><c>cancelled</c>: <c>tasks/cancel</c> ended it (T-22).</summary>
    Cancelled,
}

/// <summary>The wire names of <see cref="McpTaskState"/>.</summary>
public static class McpTaskStates
{
    /// <summary>The status string on the wire.</summary>
    public static string ToWire(this McpTaskState state) => state switch
    {
        McpTaskState.Working => "working",
        McpTaskState.InputRequired => "input_required",
        McpTaskState.Completed => "completed",
        McpTaskState.Failed => "failed",
        _ => "cancelled",
    };

    /// <summary>Whether the state is terminal (completed, failed, cancelled): it never changes again.</summary>
    public static bool IsTerminal(this McpTaskState state) => state >= McpTaskState.Completed;
}

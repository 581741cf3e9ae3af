namespace Mcp.Raw.Protocol.Mcp;

/// <summary>Values of <c>resultType</c> (2026-07-28, M-VR-15).</summary>
public static class ResultTypes
{
    /// <summary><c>complete</c>: the final result (also what an absent value means, M-VR-16).</summary>
    public const string Complete = "complete";

    /// <summary><c>input_required</c>: an MRTR round (M-MR-03).</summary>
    public const string InputRequired = "input_required";
}

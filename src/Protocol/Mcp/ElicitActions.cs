namespace Mcp.Raw.Protocol.Mcp;

/// <summary>Values of an elicitation result's <c>action</c> (CL-08).</summary>
public static class ElicitActions
{
    /// <summary><c>accept</c></summary>
    public const string Accept = "accept";

    /// <summary><c>decline</c></summary>
    public const string Decline = "decline";

    /// <summary><c>cancel</c></summary>
    public const string Cancel = "cancel";
}

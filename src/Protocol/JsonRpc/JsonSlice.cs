namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>
/// The position of one JSON value inside a message's source bytes (32-bit: bodies are capped below 2 GiB, and a
/// message carries a dozen of these). Length 0 means absent.
/// </summary>
internal readonly record struct JsonSlice(int Start, int Length)
{
    public bool IsPresent => Length > 0;
}

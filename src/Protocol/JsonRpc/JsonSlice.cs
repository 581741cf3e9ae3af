namespace Mcp.Raw.Protocol.JsonRpc;

/// <summary>The position of one JSON value inside a message's source bytes. Length 0 means absent.</summary>
internal readonly record struct JsonSlice(long Start, long Length)
{
    public bool IsPresent => Length > 0;
}

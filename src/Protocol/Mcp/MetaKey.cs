namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// The format of <c>_meta</c> keys (JR-15, M-RQ-07): an optional prefix of dot-separated labels followed by
/// <c>/</c>, then a name. Prefixes whose second label is <c>modelcontextprotocol</c> or <c>mcp</c> are reserved.
/// </summary>
public static class MetaKey
{
    /// <summary>Whether the key is well-formed.</summary>
    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key.AsSpan() : key.AsSpan(slash + 1);
        if (slash >= 0 && !IsValidPrefix(key.AsSpan(0, slash)))
        {
            return false;
        }

        return IsValidName(name);
    }

    /// <summary>Whether the key's prefix is reserved for MCP (second label <c>modelcontextprotocol</c> or <c>mcp</c>).</summary>
    public static bool IsReserved(string? key)
    {
        if (!IsValid(key))
        {
            return false;
        }

        var slash = key!.LastIndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var labels = key[..slash].Split('.');
        return labels.Length >= 2 && labels[1] is "modelcontextprotocol" or "mcp";
    }

    private static bool IsValidPrefix(ReadOnlySpan<char> prefix)
    {
        if (prefix.IsEmpty)
        {
            return false;
        }

        foreach (var range in prefix.Split('.'))
        {
            var label = prefix[range];
            if (label.IsEmpty || !char.IsAsciiLetter(label[0]) || !char.IsAsciiLetterOrDigit(label[^1]))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}

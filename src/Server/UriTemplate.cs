namespace Mcp.Raw.Server;

/// <summary>Matches URIs against an RFC 6570 level-1 template (<c>test://template/{id}/data</c>); a variable never spans a '/'.</summary>
internal sealed class UriTemplate
{
    private static readonly System.Buffers.SearchValues<char> s_operators = System.Buffers.SearchValues.Create("+#./;?&=,!@|{");
    private readonly string[] _literals;
    private readonly string[] _names;

    public UriTemplate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var literals = new List<string>();
        var names = new List<string>();
        var start = 0;
        while (true)
        {
            var open = template.IndexOf('{', start);
            if (open < 0)
            {
                literals.Add(template[start..]);
                break;
            }

            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                throw new ArgumentException($"Unclosed '{{' in URI template '{template}'.", nameof(template));
            }

            literals.Add(template[start..open]);
            var name = template[(open + 1)..close];
            if (name.Length == 0 || name.AsSpan().IndexOfAny(s_operators) >= 0)
            {
                throw new ArgumentException($"URI template '{template}': only simple {{name}} expressions are supported.", nameof(template));
            }

            names.Add(name);
            start = close + 1;
        }

        _literals = [.. literals];
        _names = [.. names];
    }

    public IReadOnlyList<string> VariableNames => _names;

    public bool TryMatch(string uri, out Dictionary<string, string> variables)
    {
        variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!uri.StartsWith(_literals[0], StringComparison.Ordinal))
        {
            return false;
        }

        var position = _literals[0].Length;
        for (var i = 0; i < _names.Length; i++)
        {
            var next = _literals[i + 1];
            int end;
            if (next.Length == 0)
            {
                end = i == _names.Length - 1 ? uri.Length : -1;
                if (end < 0)
                {
                    return false;
                }
            }
            else
            {
                end = uri.IndexOf(next, position, StringComparison.Ordinal);
                if (end < 0)
                {
                    return false;
                }
            }

            var value = uri[position..end];
            if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal))
            {
                return false;
            }

            variables[_names[i]] = Uri.UnescapeDataString(value);
            position = end + next.Length;
        }

        return position == uri.Length;
    }
}

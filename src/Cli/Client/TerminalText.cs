using System.Text;

namespace Mcp.Raw.Cli.Client;

/// <summary>
/// Server text made safe for a terminal: escape and control sequences (ESC, CSI, OSC, C1 controls, BEL, backspace,
/// carriage return) are removed, so a server cannot move the cursor, rewrite what was printed, retitle the window or
/// hide text. Line feeds and tabs stay.
/// </summary>
internal static class TerminalText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !text.AsSpan().ContainsAnyInRange('\u007f', '\u009f'))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\u001b' || c == '\u009b' || c == '\u009d')
            {
                i = SkipSequence(text, i);
                continue;
            }

            if (c is '\n' or '\t' || (c >= ' ' && c != '\u007f' && (c < '\u0080' || c > '\u009f')))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    /// <summary>The index of the last character of the sequence starting at <paramref name="start"/>.</summary>
    private static int SkipSequence(string text, int start)
    {
        var i = start;
        var kind = text[i] == '\u001b' && i + 1 < text.Length ? text[++i] : text[i];
        switch (kind)
        {
            case '[' or '\u009b':
                // CSI: parameters and intermediates, then one final byte in @..~.
                while (++i < text.Length && text[i] is < '@' or > '~')
                {
                }

                return i;
            case ']' or '\u009d' or 'P' or '_' or '^':
                // OSC / DCS / APC / PM: up to BEL or ST (ESC \).
                while (++i < text.Length)
                {
                    if (text[i] == '\u0007')
                    {
                        return i;
                    }

                    if (text[i] == '\u001b' && i + 1 < text.Length && text[i + 1] == '\\')
                    {
                        return i + 1;
                    }
                }

                return i;
            default:
                return i;
        }
    }
}

using System.Net.Http.Headers;

namespace Mcp.Raw.Client;

/// <summary>
/// The parameters of a <c>Bearer</c> challenge in <c>WWW-Authenticate</c> (RFC 6750 §3, RFC 9728 §5.1):
/// <c>resource_metadata</c>, <c>scope</c>, <c>error</c>. Quoted strings may hold commas and escaped quotes; other
/// schemes in the same header are skipped.
/// </summary>
internal sealed class BearerChallenge
{
    public string? ResourceMetadata { get; private init; }

    public string? Scope { get; private init; }

    public string? Error { get; private init; }

    public bool IsInsufficientScope => string.Equals(Error, "insufficient_scope", StringComparison.Ordinal);

    /// <summary>
    /// The Bearer challenge of a 401 or 403 answer; an empty one when the answer has no <c>WWW-Authenticate</c> (some
    /// 2025-03-26 servers); null when it challenges only for other schemes (an API key, Basic), which OAuth cannot answer.
    /// </summary>
    public static BearerChallenge? From(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("WWW-Authenticate", out var values))
        {
            return new BearerChallenge();
        }

        foreach (var value in values)
        {
            if (TryParse(value, out var challenge))
            {
                return challenge;
            }
        }

        return null;
    }

    /// <summary>Parses the first Bearer challenge of one header value.</summary>
    public static bool TryParse(string header, out BearerChallenge challenge)
    {
        challenge = new BearerChallenge();
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var inBearer = false;
        var found = false;
        var i = 0;
        while (i < header.Length)
        {
            SkipSeparators(header, ref i);
            var tokenStart = i;
            while (i < header.Length && header[i] is not (' ' or '\t' or ',' or '='))
            {
                i++;
            }

            var token = header[tokenStart..i];
            if (token.Length == 0)
            {
                i++;
                continue;
            }

            var j = i;
            while (j < header.Length && header[j] is ' ' or '\t')
            {
                j++;
            }

            if (j < header.Length && header[j] == '=' && (j + 1 >= header.Length || header[j + 1] != '='))
            {
                // auth-param: name = token / quoted-string
                i = j + 1;
                while (i < header.Length && header[i] is ' ' or '\t')
                {
                    i++;
                }

                var value = ReadValue(header, ref i);
                if (inBearer)
                {
                    parameters.TryAdd(token, value);
                }

                continue;
            }

            // A scheme name (or a token68, which Bearer challenges do not use): a new challenge starts.
            if (inBearer)
            {
                break;
            }

            inBearer = string.Equals(token, "Bearer", StringComparison.OrdinalIgnoreCase);
            found |= inBearer;
        }

        if (!found)
        {
            return false;
        }

        challenge = new BearerChallenge
        {
            ResourceMetadata = parameters.GetValueOrDefault("resource_metadata"),
            Scope = parameters.GetValueOrDefault("scope"),
            Error = parameters.GetValueOrDefault("error"),
        };
        return true;
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or ',')
        {
            i++;
        }
    }

    private static string ReadValue(string s, ref int i)
    {
        if (i < s.Length && s[i] == '"')
        {
            var builder = new System.Text.StringBuilder();
            i++;
            while (i < s.Length && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < s.Length)
                {
                    i++;
                }

                builder.Append(s[i]);
                i++;
            }

            i++;
            return builder.ToString();
        }

        var start = i;
        while (i < s.Length && s[i] is not (',' or ' ' or '\t'))
        {
            i++;
        }

        return s[start..i];
    }
}

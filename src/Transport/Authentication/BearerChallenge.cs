using System.Text;

namespace Mcp.Raw.Transport.Authentication;

/// <summary>Writes <c>WWW-Authenticate: Bearer ...</c> values (RFC 6750 §3, RFC 9728 §5.1; ).</summary>
internal static class BearerChallenge
{
    /// <summary>
    /// The challenge of a 401 (no token, or an invalid one: <c>error="invalid_token"</c> only when a token was
    /// presented, A-04) or of a 403 (<c>error="insufficient_scope"</c>, A-05). <c>scope</c> lists every scope needed,
    /// never <c>offline_access</c>.
    /// </summary>
    public static string Format(string? error, string? description, IEnumerable<string> scopes, Uri? metadataUrl)
    {
        var builder = new StringBuilder("Bearer");
        var first = true;
        void Add(string name, string value)
        {
            builder.Append(first ? " " : ", ").Append(name).Append("=\"");
            foreach (var c in value)
            {
                // quoted-string: no quotes, backslashes or control characters from anywhere.
                if (c is '"' or '\\' || char.IsControl(c))
                {
                    continue;
                }

                builder.Append(c);
            }

            builder.Append('"');
            first = false;
        }

        if (error is not null)
        {
            Add("error", error);
        }

        if (description is not null)
        {
            Add("error_description", description);
        }

        var scope = string.Join(' ', scopes.Where(s => s != "offline_access").Distinct(StringComparer.Ordinal));
        if (scope.Length > 0)
        {
            Add("scope", scope);
        }

        if (metadataUrl is not null)
        {
            Add("resource_metadata", metadataUrl.AbsoluteUri);
        }

        return builder.ToString();
    }
}

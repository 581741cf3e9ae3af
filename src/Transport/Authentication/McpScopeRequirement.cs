using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Authentication;

/// <summary>
/// An authorization requirement: the token grants every one of <see cref="Scopes"/>, where a broader scope covers a
/// narrower one. A refusal becomes 403 <c>insufficient_scope</c> naming all the scopes needed.
/// </summary>
public sealed class McpScopeRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    public McpScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        Scopes = [.. scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The scopes needed, all of them.</summary>
    public IReadOnlyList<string> Scopes { get; }
}

/// <summary>
/// How scopes cover one another. A granted scope covers a required one when they are equal, when the required
/// one extends it by the <see cref="Separator"/> (<c>mcp</c> covers <c>mcp:tools</c> and <c>mcp:tools:call</c>), or
/// when <see cref="Implies"/> says so (transitively: <c>admin</c> → <c>write</c> → <c>read</c>).
/// </summary>
public sealed class McpScopeOptions
{
    /// <summary>The separator of hierarchical scope names. Default <c>:</c>; <c>\0</c> turns the prefix rule off.</summary>
    public char Separator { get; set; } = ':';

    /// <summary>Explicit hierarchy: a scope and the narrower scopes it covers.</summary>
    public IDictionary<string, string[]> Implies { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="granted"/> covers <paramref name="required"/>.</summary>
    public bool Covers(string granted, string required)
    {
        ArgumentNullException.ThrowIfNull(granted);
        ArgumentNullException.ThrowIfNull(required);
        return Covers(granted, required, depth: 0);
    }

    private bool Covers(string granted, string required, int depth)
    {
        if (string.Equals(granted, required, StringComparison.Ordinal))
        {
            return true;
        }

        if (Separator != '\0' && required.Length > granted.Length + 1 && required[granted.Length] == Separator && required.StartsWith(granted, StringComparison.Ordinal))
        {
            return true;
        }

        if (depth < 8 && Implies.TryGetValue(granted, out var narrower))
        {
            foreach (var scope in narrower)
            {
                if (Covers(scope, required, depth + 1))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The scopes a principal was granted: the space-separated <c>scope</c> claim and any <c>scp</c> claims.</summary>
    public static IEnumerable<string> GrantedScopes(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var claim in user.Claims)
        {
            if (claim.Type is "scope" or "scp" or "http://schemas.microsoft.com/identity/claims/scope")
            {
                foreach (var scope in claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    yield return scope;
                }
            }
        }
    }
}

/// <summary>Judges <see cref="McpScopeRequirement"/> with the <see cref="McpScopeOptions"/> hierarchy.</summary>
internal sealed class McpScopeAuthorizationHandler(IOptions<McpScopeOptions> options) : AuthorizationHandler<McpScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, McpScopeRequirement requirement)
    {
        var granted = McpScopeOptions.GrantedScopes(context.User).ToList();
        var hierarchy = options.Value;
        if (requirement.Scopes.All(required => granted.Exists(g => hierarchy.Covers(g, required))))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Policy helpers for MCP scopes.</summary>
public static class McpScopePolicyExtensions
{
    /// <summary>Requires an authenticated user whose token grants every one of <paramref name="scopes"/> (a broader scope covers a narrower one).</summary>
    public static AuthorizationPolicyBuilder RequireMcpScopes(this AuthorizationPolicyBuilder builder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.RequireAuthenticatedUser();
        if (scopes.Length > 0)
        {
            builder.AddRequirements(new McpScopeRequirement(scopes));
        }

        return builder;
    }
}

using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mcp.Raw.Transport.Authentication;

/// <summary>
/// The CORS policy of the MCP endpoints, over ASP.NET Core's CORS services: the origins are the transport's
/// one allow-list (<see cref="StreamableHttpOptions.AllowedOrigins"/> and, when on, loopback origins), so an origin
/// CORS allows is one the Origin check allows and any other still gets 403. It allows the MCP request headers
/// (<c>Mcp-Param-*</c> included, matched per request) and exposes <c>Mcp-Session-Id</c>, <c>MCP-Protocol-Version</c>
/// and <c>WWW-Authenticate</c>. Credentials (cookies) are not allowed: MCP clients send bearer tokens.
/// </summary>
public static class McpRawCors
{
    /// <summary>The name of the policy <c>AddMcpRawCors</c> registers and <c>MapMcpRaw</c> applies.</summary>
    public const string PolicyName = "Mcp.Raw";

    /// <summary>The request headers an MCP client sends.</summary>
    public static IReadOnlyList<string> RequestHeaders { get; } =
        ["Authorization", "Content-Type", "Accept", McpHeaders.ProtocolVersion, McpHeaders.SessionId, "Mcp-Method", "Mcp-Name", McpHeaders.LastEventId, "X-API-Key"];

    /// <summary>The response headers a browser client must be able to read.</summary>
    public static IReadOnlyList<string> ExposedHeaders { get; } = [McpHeaders.SessionId, McpHeaders.ProtocolVersion, "WWW-Authenticate"];

    internal static CorsPolicy Build(RequestGuard guard, HttpRequest? request)
    {
        var builder = new CorsPolicyBuilder()
            .SetIsOriginAllowed(guard.IsAllowedOrigin)
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders([.. RequestHeaders, .. ParamHeaders(request)])
            .WithExposedHeaders([.. ExposedHeaders])
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        return builder.Build();
    }

    /// <summary>The <c>Mcp-Param-*</c> names a preflight asks for: a CORS policy cannot hold a prefix, so they are taken per request.</summary>
    private static IEnumerable<string> ParamHeaders(HttpRequest? request)
    {
        if (request is null)
        {
            yield break;
        }

        foreach (var value in request.Headers.AccessControlRequestHeaders)
        {
            foreach (var name in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (name.StartsWith("Mcp-Param-", StringComparison.OrdinalIgnoreCase) && name.Length <= 128)
                {
                    yield return name;
                }
            }
        }
    }

    internal static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.Origin.Count > 0 && request.Headers.AccessControlRequestMethod.Count > 0;
}

/// <summary>Applies <see cref="McpRawCors.PolicyName"/> to the refusals and preflights the authorization result handler answers itself.</summary>
internal sealed class McpRawCorsResponder
{
    /// <summary>The CORS services when <c>AddMcpRawCors</c> ran, else null.</summary>
    internal static McpRawCorsResponder? Resolve(IServiceProvider services) =>
        services.GetService<McpRawCorsMarker>() is not null && services.GetService<ICorsService>() is { } cors
            ? new McpRawCorsResponder(cors, services.GetRequiredService<RequestGuard>())
            : null;

    private readonly ICorsService _cors;
    private readonly RequestGuard _guard;

    private McpRawCorsResponder(ICorsService cors, RequestGuard guard)
    {
        _cors = cors;
        _guard = guard;
    }

    /// <summary>Answers a preflight from the policy: no token needed .</summary>
    internal void AnswerPreflight(HttpContext context)
    {
        _cors.ApplyResult(_cors.EvaluatePolicy(context, McpRawCors.Build(_guard, context.Request)), context.Response);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Adds the CORS response headers to a refusal written before the CORS middleware could run, so a browser can read a 401's challenge.</summary>
    internal void Apply(HttpContext context)
    {
        if (context.Request.Headers.Origin.Count > 0)
        {
            _cors.ApplyResult(_cors.EvaluatePolicy(context, McpRawCors.Build(_guard, context.Request)), context.Response);
        }
    }
}

/// <summary>Marks that <c>AddMcpRawCors</c> ran.</summary>
internal sealed class McpRawCorsMarker;

/// <summary>Serves <see cref="McpRawCors.PolicyName"/> built per request; every other name goes to the default provider.</summary>
internal sealed class McpRawCorsPolicyProvider(RequestGuard guard, Microsoft.Extensions.Options.IOptions<CorsOptions> options) : ICorsPolicyProvider
{
    private readonly DefaultCorsPolicyProvider _default = new(options);

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName) =>
        policyName == McpRawCors.PolicyName
            ? Task.FromResult<CorsPolicy?>(McpRawCors.Build(guard, context.Request))
            : _default.GetPolicyAsync(context, policyName);
}

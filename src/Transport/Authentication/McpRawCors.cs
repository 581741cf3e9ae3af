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

    /// <summary>Answers a preflight from the policy (no token needed, A-13); false when CORS is not configured.</summary>
    internal static Task<bool> TryAnswerPreflightAsync(HttpContext context, IServiceProvider services)
    {
        if (services.GetService<McpRawCorsMarker>() is null || services.GetService<ICorsService>() is not { } cors)
        {
            return Task.FromResult(false);
        }

        var policy = Build(services.GetRequiredService<RequestGuard>(), context.Request);
        var result = cors.EvaluatePolicy(context, policy);
        cors.ApplyResult(result, context.Response);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.FromResult(true);
    }

    /// <summary>Adds the CORS response headers to an actual request (refusals included, so a browser can read a 401's challenge).</summary>
    internal static Task ApplyAsync(HttpContext context, IServiceProvider services)
    {
        if (context.Request.Headers.Origin.Count == 0 || services.GetService<McpRawCorsMarker>() is null || services.GetService<ICorsService>() is not { } cors)
        {
            return Task.CompletedTask;
        }

        var result = cors.EvaluatePolicy(context, Build(services.GetRequiredService<RequestGuard>(), context.Request));
        cors.ApplyResult(result, context.Response);
        return Task.CompletedTask;
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

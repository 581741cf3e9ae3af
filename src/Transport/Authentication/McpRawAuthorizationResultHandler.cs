using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Transport.Hosting;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Authentication;

/// <summary>
/// Answers the authorization refusals of the endpoints <c>MapMcpRaw</c> mapped, in the order the spec asks:
/// the Origin and Host checks first (403), then a token in the query string (400, A-10), then the credential: 401
/// with <c>WWW-Authenticate: Bearer resource_metadata="…", scope="…"</c> (A-04) or 403 <c>insufficient_scope</c>
/// naming every scope needed, each with a JSON-RPC error body and one log line. A CORS preflight never needs a
/// token: it is answered from the CORS policy. Other endpoints get ASP.NET Core's default behaviour.
/// </summary>
internal sealed class McpRawAuthorizationResultHandler(
    RequestGuard guard,
    RejectionLog log,
    IOptions<McpResourceMetadataOptions> metadata,
    IOptionsMonitor<McpApiKeyAuthenticationOptions> apiKeys,
    IServiceProvider services) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    // Null unless AddMcpRawCors ran; resolved once.
    private readonly McpRawCorsResponder? _cors = McpRawCorsResponder.Resolve(services);

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<McpRawEndpointMetadata>() is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
            return;
        }

        if (McpRawCors.IsPreflight(context.Request))
        {
            if (_cors is null)
            {
                await next(context).ConfigureAwait(false);
            }
            else
            {
                _cors.AnswerPreflight(context);
            }

            return;
        }

        if (guard.Check(context) is { } refused)
        {
            await ErrorResponses.WriteAsync(context, refused).ConfigureAwait(false);
            return;
        }

        if (BearerToken.IsInQuery(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = BearerChallenge.Format("invalid_request", "Send the access token in the Authorization header, never in the query string.", [], metadata.Value.MetadataUrl);
            await RefuseAsync(context, 400, "TokenInQuery", "Bad Request: access tokens are accepted only in the Authorization header.").ConfigureAwait(false);
            return;
        }

        if (authorizeResult.Succeeded)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var required = RequiredScopes(policy);
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            var scopeFailed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<McpScopeRequirement>().Any() == true;
            if (scopeFailed)
            {
                context.Response.Headers.WWWAuthenticate = BearerChallenge.Format("insufficient_scope", "The token lacks a scope this operation needs.", required, metadata.Value.MetadataUrl);
                await RefuseAsync(context, 403, "InsufficientScope", "Forbidden: the access token lacks a required scope (" + string.Join(' ', required) + ").").ConfigureAwait(false);
            }
            else
            {
                await RefuseAsync(context, 403, "Forbidden", "Forbidden: the authenticated principal may not use this endpoint.").ConfigureAwait(false);
            }

            return;
        }

        var presented = BearerToken.IsPresented(context.Request, apiKeys.Get(McpRawAuthenticationDefaults.ApiKeyScheme).HeaderName);
        var scopes = required.Count > 0 ? required : metadata.Value.ScopesSupported;
        context.Response.Headers.WWWAuthenticate = presented
            ? BearerChallenge.Format("invalid_token", "The access token is missing, expired, not yet valid, or not issued for this resource.", scopes, metadata.Value.MetadataUrl)
            : BearerChallenge.Format(null, null, scopes, metadata.Value.MetadataUrl);
        await RefuseAsync(context, 401, presented ? "InvalidToken" : "NoToken",
            presented ? "Unauthorized: the credential is not valid for this server." : "Unauthorized: this server requires a credential in the Authorization header.").ConfigureAwait(false);
    }

    private static List<string> RequiredScopes(AuthorizationPolicy policy)
    {
        var scopes = new List<string>();
        foreach (var requirement in policy.Requirements.OfType<McpScopeRequirement>())
        {
            scopes.AddRange(requirement.Scopes);
        }

        return [.. scopes.Distinct(StringComparer.Ordinal)];
    }

    private async Task RefuseAsync(HttpContext context, int status, string reason, string message)
    {
        log.Log(context, reason, status, message);

        // The refusal is written here, before the CORS middleware could run: its headers are added now, so that a
        // browser client can read the challenge.
        _cors?.Apply(context);
        await ErrorResponses.WriteAsync(context, status, RequestId.None, JsonRpcErrorCode.InvalidRequest, message).ConfigureAwait(false);
    }
}

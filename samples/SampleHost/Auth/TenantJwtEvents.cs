using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using TenantRealtime;

namespace SampleHost.Auth;

/// <summary>
/// Reads the hub's <c>access_token</c> query (browsers cannot set headers on WebSockets), refuses REST tokens
/// without a usable tenant identity (401), and answers challenges with problem details.
/// </summary>
internal sealed class TenantJwtEvents : JwtBearerEvents
{
    private static readonly PathString HubPath = TenantRealtimeEndpointRouteBuilderExtensions.DefaultPattern;

    public override Task MessageReceived(MessageReceivedContext context)
    {
        // Only the hub path: a token in a query string elsewhere would end up in logs and browser history.
        if (context.HttpContext.Request.Path.StartsWithSegments(HubPath) &&
            context.Request.Query.TryGetValue("access_token", out var token) &&
            !string.IsNullOrEmpty(token))
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        // The hub refuses such identities itself (closing with 'unauthenticated'), as the contract says.
        if (context.HttpContext.Request.Path.StartsWithSegments(HubPath) || context.Principal is null)
        {
            return;
        }

        var authenticator = context.HttpContext.RequestServices.GetRequiredService<IAuthenticator>();
        var result = await authenticator.AuthenticateAsync(
            new AuthenticationContext(context.HttpContext.TraceIdentifier, context.Principal, context.HttpContext, request: null),
            context.HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            context.Fail(result.FailureReason);
            return;
        }

        var identity = result.Identity;
        if (!TenantIds.IsValid(identity.UserId) || !TenantIds.IsValid(identity.OrganizationId) ||
            (identity.TenantId is not null && !TenantIds.IsValid(identity.TenantId)))
        {
            context.Fail("the token carries a malformed id (ids are 1 to 64 characters of [A-Za-z0-9_.-]).");
            return;
        }

        context.HttpContext.Items[typeof(Caller)] = Caller.From(identity);
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = context.AuthenticateFailure is { } failure
            ? $"The bearer token was refused: {failure.Message}"
            : "A bearer token is required (Authorization: Bearer <JWT>).";
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = detail },
        });
    }
}

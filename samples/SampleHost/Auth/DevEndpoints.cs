using SampleHost.Api;
using SampleHost.Demo;
using TenantRealtime;

namespace SampleHost.Auth;

/// <summary>Development-only routes: demo tokens and the demo users the page offers. Outside Development they are 404.</summary>
internal static class DevEndpoints
{
    private static readonly string[] Roles = [TenantRoles.Member, TenantRoles.Admin, TenantRoles.PlatformAdmin];

    public static void MapDevEndpoints(this IEndpointRouteBuilder app)
    {
        var dev = app.MapGroup("/api/dev").WithTags("Development").AllowAnonymous();
        dev.MapPost("/token", IssueTokenAsync)
            .WithSummary("Issues a one-hour demo token (Development only).")
            .Accepts<DevTokenRequest>("application/json")
            .Produces<DevTokenResponse>()
            .ProducesValidationProblem();
        dev.MapGet("/users", () => TypedResults.Ok(DemoUsers.All))
            .WithSummary("The demo users the page offers (Development only).");
    }

    private static async Task<IResult> IssueTokenAsync(HttpRequest request, DevTokenIssuer issuer, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        var fields = new BodyFields(body, new FieldErrors());
        var userId = fields.Id("userId", required: true);
        var organizationId = fields.Id("organizationId", required: true);
        var tenantId = fields.Id("tenantId", nullMeansNone: true);
        var role = fields.String("role", required: false, maxLength: 32) ?? TenantRoles.Member;
        if (!Roles.Contains(role, StringComparer.Ordinal))
        {
            fields.Errors.Add("role", $"'role' must be one of {string.Join(", ", Roles)}.");
        }

        if (fields.Errors.Any)
        {
            return fields.Errors.ToResult();
        }

        // A demo user's token carries its name, as an identity provider's would.
        var name = DemoUsers.All.FirstOrDefault(u => u.UserId == userId && u.OrganizationId == organizationId)?.Name;
        return TypedResults.Ok(new DevTokenResponse(issuer.Issue(userId!, organizationId!, tenantId, role, name)));
    }
}

internal sealed record DevTokenRequest(string UserId, string OrganizationId, string? TenantId, string Role);

internal sealed record DevTokenResponse(string Token);

using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace TenantRealtime.Authentication.Internal;

/// <summary>The default <see cref="IAuthenticator"/>: reads the identity from the claim types in the options.</summary>
internal sealed class ClaimsAuthenticator(IOptionsMonitor<TenantRealtimeOptions> options) : IAuthenticator
{
    public ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(Authenticate(context.User, options.CurrentValue));
    }

    private static AuthenticationResult Authenticate(ClaimsPrincipal user, TenantRealtimeOptions o)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return AuthenticationResult.Fail("the connection has no authenticated user.");
        }

        // A token with two organization (or user, tenant, role) claims is ambiguous: refuse rather than pick one.
        if (!TryReadSingle(user, o.UserIdClaimType, ClaimTypes.NameIdentifier, out var userId, out var error) ||
            !TryReadSingle(user, o.OrganizationIdClaimType, null, out var organizationId, out error) ||
            !TryReadSingle(user, o.TenantIdClaimType, null, out var tenantId, out error) ||
            !TryReadSingle(user, o.RoleClaimType, ClaimTypes.Role, out var role, out error))
        {
            return AuthenticationResult.Fail(error);
        }

        if (userId is null)
        {
            return AuthenticationResult.Fail($"the token has no '{o.UserIdClaimType}' claim.");
        }

        if (organizationId is null)
        {
            return AuthenticationResult.Fail($"the token has no '{o.OrganizationIdClaimType}' claim.");
        }

        return AuthenticationResult.Success(new TenantIdentity(userId, organizationId, tenantId, role ?? o.DefaultRole));
    }

    private static bool TryReadSingle(ClaimsPrincipal user, string claimType, string? fallbackType, out string? value, out string error)
    {
        var claims = user.FindAll(claimType).ToList();
        if (claims.Count == 0 && fallbackType is not null)
        {
            claims = user.FindAll(fallbackType).ToList();
        }

        error = string.Empty;
        value = null;
        if (claims.Count > 1)
        {
            error = $"the token has more than one '{claimType}' claim.";
            return false;
        }

        value = claims.Count == 1 && claims[0].Value.Length > 0 ? claims[0].Value : null;
        return true;
    }
}

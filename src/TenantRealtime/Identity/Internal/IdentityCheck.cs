namespace TenantRealtime.Identity.Internal;

/// <summary>
/// An identity from any <see cref="IAuthenticator"/>, built-in or custom, must carry well-formed ids before it
/// names a room: a malformed id is a refusal, never a room name.
/// </summary>
internal static class IdentityCheck
{
    public static string? FindProblem(TenantIdentity identity, int maxIdLength)
    {
        if (!TenantIds.IsValid(identity.UserId, maxIdLength))
        {
            return "the user id is malformed.";
        }

        if (!TenantIds.IsValid(identity.OrganizationId, maxIdLength))
        {
            return "the organization id is malformed.";
        }

        if (identity.TenantId is not null && !TenantIds.IsValid(identity.TenantId, maxIdLength))
        {
            return "the tenant id is malformed.";
        }

        return string.IsNullOrWhiteSpace(identity.Role) ? "the role is empty." : null;
    }
}

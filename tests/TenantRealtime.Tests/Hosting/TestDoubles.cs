namespace TenantRealtime.Tests.Hosting;

/// <summary>An authenticator that ignores claims; records the Authenticate requests it sees.</summary>
internal sealed class FixedAuthenticator : IAuthenticator
{
    public TenantIdentity? Identity { get; set; } = new("fixed", "org-fixed", "t1", TenantRoles.Member);

    public List<AuthenticateRequest?> Requests { get; } = [];

    public ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(context.Request);
        }

        return ValueTask.FromResult(Identity is null ? AuthenticationResult.Fail("access was withdrawn.") : AuthenticationResult.Success(Identity));
    }
}

/// <summary>A resolver whose grants the test changes, as a database-backed one would change.</summary>
internal sealed class GrantingResolver : IRoomResolver
{
    public HashSet<string> Tenants { get; } = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyCollection<TenantRoom>> GetInitialRoomsAsync(TenantIdentity identity, CancellationToken cancellationToken)
    {
        IReadOnlyCollection<TenantRoom> rooms;
        lock (Tenants)
        {
            rooms = [TenantRoom.Organization(identity.OrganizationId), .. Tenants.Select(t => TenantRoom.Tenant(identity.OrganizationId, t))];
        }

        return ValueTask.FromResult(rooms);
    }

    public ValueTask<RoomDecision> CanJoinOrganizationAsync(TenantIdentity identity, string organizationId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RoomDecision.Allow([TenantRoom.Organization(organizationId), TenantRoom.Organization("not-" + organizationId)]));
}

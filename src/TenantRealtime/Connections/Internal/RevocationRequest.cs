namespace TenantRealtime.Connections.Internal;

internal enum RevocationKind
{
    DisconnectUser,
    DisconnectTenant,
    RefreshUserRooms,
}

/// <summary>One <see cref="ITenantConnectionManager"/> request as this server carries it out.</summary>
internal readonly record struct RevocationRequest(RevocationKind Kind, string OrganizationId, string TargetId)
{
    /// <summary>Whether the request is about a connection of <paramref name="identity"/>: its user, or its tenant.</summary>
    public bool AppliesTo(TenantIdentity identity) =>
        string.Equals(identity.OrganizationId, OrganizationId, StringComparison.Ordinal) &&
        string.Equals(Kind == RevocationKind.DisconnectTenant ? identity.TenantId : identity.UserId, TargetId, StringComparison.Ordinal);
}

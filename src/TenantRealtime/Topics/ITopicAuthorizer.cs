namespace TenantRealtime;

/// <summary>
/// Decides which topics a connection may subscribe to. The hub asks it on <c>Subscribe</c>, and
/// <see cref="ITenantConnectionManager.RefreshUserRoomsAsync"/> asks it again for the topics a connection holds. Plug
/// your own with <c>WithTopicAuthorizer&lt;T&gt;()</c> (for example one that checks the incident's access list), or use
/// the claims-based one (<c>WithClaimsTopicAuthorizer()</c>) so a subscribe needs no database call.
/// </summary>
/// <remarks>
/// Whatever it answers, the library only lets a connection subscribe inside organizations it holds (its own, or one it
/// joined): an authorizer can narrow that, never widen past it. Tenant boundaries inside an organization are the
/// authorizer's: the default lets a member subscribe to its own tenant's topics only, an admin (see
/// <see cref="TenantRealtimeOptions.AdminRoles"/>) to its organization's topics and any of its tenants', and a
/// cross-organization role (see <see cref="TenantRealtimeOptions.CrossOrganizationRoles"/>) as an admin in the
/// organizations it holds.
/// </remarks>
public interface ITopicAuthorizer
{
    /// <summary>Answers, for each topic of <paramref name="context"/>, whether the connection may subscribe to it.</summary>
    /// <param name="context">Who asks, and the topics asked for (already inside organizations the connection holds).</param>
    /// <param name="cancellationToken">Cancels the decision (the connection ended).</param>
    /// <returns>One answer per topic of <see cref="TopicAuthorizationContext.Topics"/>, in the same order.</returns>
    ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken);
}

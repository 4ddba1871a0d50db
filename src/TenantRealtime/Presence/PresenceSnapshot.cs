namespace TenantRealtime;

/// <summary>Who is online in one scope: an organization, or one tenant of it.</summary>
/// <param name="OrganizationId">The organization.</param>
/// <param name="TenantId">The tenant, or <see langword="null"/> for the whole organization.</param>
/// <param name="UserCount">How many users are online in the scope.</param>
/// <param name="ConnectionCount">How many connections they have.</param>
/// <param name="CountsOnly">
/// Whether the scope has more users online than <see cref="TenantRealtimeOptions.MaxPresenceListSize"/>, so
/// <paramref name="Users"/> is empty and only the counts are given.
/// </param>
/// <param name="Users">The users online, ordered by when they came online (then by id); empty when <paramref name="CountsOnly"/>.</param>
public sealed record PresenceSnapshot(string OrganizationId, string? TenantId, long UserCount, long ConnectionCount, bool CountsOnly, IReadOnlyList<PresenceUser> Users);

/// <summary>A user online in a scope.</summary>
/// <param name="UserId">The user.</param>
/// <param name="DisplayName">
/// The value of <see cref="TenantRealtimeOptions.PresenceDisplayNameClaimType"/> on the connection that brought the user
/// online, or <see langword="null"/>.
/// </param>
/// <param name="Connections">
/// The user's connections in the scope; 0 while its last one is gone but the debounce window has not passed yet.
/// </param>
/// <param name="OnlineSince">When the user came online in the scope.</param>
public sealed record PresenceUser(string UserId, string? DisplayName, long Connections, DateTimeOffset OnlineSince);

namespace TenantRealtime.Internal.Rooms;

/// <summary>
/// Maps the rooms a connection holds to the SignalR groups it is actually added to. A tenant broadcast goes to
/// <c>tenant:{o}:{t}</c> and <c>org-admins:{o}</c>; a connection holding both would receive it twice, so a
/// connection in <c>org-admins:{o}</c> is not added to the tenant groups of <c>{o}</c> (it still holds the rooms).
/// </summary>
internal static class DeliveryGroups
{
    public static HashSet<string> For(IEnumerable<TenantRoom> rooms)
    {
        var list = rooms as IReadOnlyCollection<TenantRoom> ?? rooms.ToList();
        var adminOrganizations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in list)
        {
            if (room.Kind == TenantRoomKind.OrganizationAdmins)
            {
                adminOrganizations.Add(room.OrganizationId);
            }
        }

        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in list)
        {
            if (room.Kind != TenantRoomKind.Tenant || !adminOrganizations.Contains(room.OrganizationId))
            {
                groups.Add(room.Name);
            }
        }

        return groups;
    }

    public static string[] ForTenantBroadcast(string organizationId, string tenantId) =>
        [RoomNames.Tenant(organizationId, tenantId), RoomNames.OrganizationAdmins(organizationId)];
}

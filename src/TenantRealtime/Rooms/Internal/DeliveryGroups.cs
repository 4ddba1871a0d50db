namespace TenantRealtime.Rooms.Internal;

/// <summary>
/// Maps the rooms a connection holds to the SignalR groups it is actually added to. A tenant broadcast goes to
/// <c>tenant:{o}:{t}</c> and <c>org-admins:{o}</c> (<see cref="RoomNames.TenantBroadcast"/>); a connection holding both would receive it twice, so a
/// connection in <c>org-admins:{o}</c> is not added to the tenant groups of <c>{o}</c> (it still holds the rooms).
/// </summary>
internal static class DeliveryGroups
{
    /// <summary>The groups for <paramref name="rooms"/>, which hold no duplicates.</summary>
    public static string[] For(IReadOnlyCollection<TenantRoom> rooms)
    {
        var groups = new List<string>(rooms.Count);
        foreach (var room in rooms)
        {
            if (room.Kind != TenantRoomKind.Tenant || !HoldsAdminsRoomOf(rooms, room.OrganizationId))
            {
                groups.Add(room.Name);
            }
        }

        return [.. groups];
    }

    private static bool HoldsAdminsRoomOf(IReadOnlyCollection<TenantRoom> rooms, string organizationId)
    {
        foreach (var room in rooms)
        {
            if (room.Kind == TenantRoomKind.OrganizationAdmins && string.Equals(room.OrganizationId, organizationId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

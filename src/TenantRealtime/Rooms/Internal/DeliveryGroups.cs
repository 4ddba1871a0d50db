namespace TenantRealtime.Rooms.Internal;

/// <summary>
/// Maps the rooms a connection holds to the SignalR groups it is actually added to. A tenant broadcast goes to
/// <c>tenant:{o}:{t}</c> and <c>org-admins:{o}</c> (<see cref="RoomNames.TenantBroadcast"/>); a connection holding both would receive it twice, so a
/// connection whose rooms cover the tenant rooms of <c>{o}</c> (<see cref="RoomNames.CoversTenantRoomsOf"/>) is not added
/// to those tenant groups (it still holds the rooms).
/// </summary>
internal static class DeliveryGroups
{
    /// <summary>The groups for <paramref name="rooms"/>, which hold no duplicates.</summary>
    public static string[] For(IReadOnlyCollection<TenantRoom> rooms)
    {
        var groups = new List<string>(rooms.Count);
        foreach (var room in rooms)
        {
            if (room.Kind != TenantRoomKind.Tenant || !RoomNames.CoversTenantRoomsOf(rooms, room.OrganizationId))
            {
                groups.Add(room.Name);
            }
        }

        return [.. groups];
    }
}

namespace TenantRealtime.Internal.Recovery;

/// <summary>Room keys as clients see them in envelopes, and which of them a connection holds.</summary>
internal static class RoomKeys
{
    /// <summary>The key of global broadcasts: every connection holds it.</summary>
    public const string All = "all";

    /// <summary>
    /// Whether a connection holding <paramref name="rooms"/> receives the broadcasts of <paramref name="room"/>:
    /// a room it holds, <c>all</c>, or a tenant room of an organization it administers.
    /// </summary>
    public static bool IsHeld(string room, IReadOnlyList<TenantRoom> rooms)
    {
        if (room == All || rooms.Any(r => r.Name == room))
        {
            return true;
        }

        if (!room.StartsWith(RoomNames.TenantPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = room.AsSpan(RoomNames.TenantPrefix.Length);
        var separator = rest.IndexOf(':');
        if (separator <= 0)
        {
            return false;
        }

        // Only a well-formed tenant key of an organization the connection administers.
        var organizationId = rest[..separator].ToString();
        if (!TenantIds.IsValid(rest[(separator + 1)..].ToString(), TenantIds.MaxSupportedLength))
        {
            return false;
        }

        var organizationAdmins = RoomNames.OrganizationAdmins(organizationId);
        return rooms.Any(r => r.Name == organizationAdmins);
    }
}

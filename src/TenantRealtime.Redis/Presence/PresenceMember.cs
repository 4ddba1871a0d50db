using TenantRealtime.Presence.Internal;

namespace TenantRealtime.Redis.Presence;

/// <summary>A user in a presence room: what one operation of the presence script is about.</summary>
/// <param name="Room">The organization, or one tenant of it.</param>
/// <param name="UserId">The user.</param>
internal readonly record struct PresenceMember(PresenceRoom Room, string UserId)
{
    /// <summary>A scope's name in Redis keys and share fields: <c>o</c>, or <c>t:{tenant}</c> (ids hold no <c>:</c> or <c>|</c>).</summary>
    public static string NameOf(PresenceRoom scope) => scope.TenantId is { } tenantId ? "t:" + tenantId : "o";

    /// <summary>The scope a name read back from Redis stands for; false for a name this package did not write.</summary>
    public static bool TryParse(string organizationId, string name, out PresenceRoom scope)
    {
        scope = default;
        if (name == "o")
        {
            scope = new PresenceRoom(organizationId, null);
            return true;
        }

        if (name.StartsWith("t:", StringComparison.Ordinal) && TenantIds.IsValid(name[2..], TenantIds.MaxSupportedLength))
        {
            scope = new PresenceRoom(organizationId, name[2..]);
            return true;
        }

        return false;
    }
}

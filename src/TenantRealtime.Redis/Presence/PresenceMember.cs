using TenantRealtime.Presence.Internal;

namespace TenantRealtime.Redis.Presence;

/// <summary>A user in a presence room: what one operation of the presence script is about.</summary>
/// <param name="Room">The organization, one tenant of it, or one topic.</param>
/// <param name="UserId">The user.</param>
internal readonly record struct PresenceMember(PresenceRoom Room, string UserId)
{
    /// <summary>
    /// A scope's name in Redis keys and share fields: <c>o</c>, <c>t:{tenant}</c>, or for a topic <c>tt:{tenant}:{topic}</c>
    /// or <c>ot:{topic}</c> (ids hold no <c>:</c>, and neither ids nor topic names a <c>|</c>, the share fields' separator).
    /// </summary>
    public static string NameOf(PresenceRoom scope) => scope switch
    {
        { Topic: { } topic, TenantId: { } tenantId } => $"tt:{tenantId}:{topic}",
        { Topic: { } topic } => "ot:" + topic,
        { TenantId: { } tenantId } => "t:" + tenantId,
        _ => "o",
    };

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

        if (name.StartsWith("ot:", StringComparison.Ordinal) && TopicNames.IsValid(name[3..], TopicNames.MaxSupportedLength))
        {
            scope = new PresenceRoom(organizationId, null, name[3..]);
            return true;
        }

        var split = name.IndexOf(':', 3);
        if (name.StartsWith("tt:", StringComparison.Ordinal) && split > 3 &&
            TenantIds.IsValid(name[3..split], TenantIds.MaxSupportedLength) && TopicNames.IsValid(name[(split + 1)..], TopicNames.MaxSupportedLength))
        {
            scope = new PresenceRoom(organizationId, name[3..split], name[(split + 1)..]);
            return true;
        }

        return false;
    }
}

using System.Globalization;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// Presence on the wire: what <c>GetPresence</c> answers and what a <c>presence</c> event's <c>data</c> holds, as
/// string-keyed maps (camelCase under JSON and MessagePack alike). The Redis package's script writes the same names.
/// </summary>
internal static class PresencePayload
{
    public const string Users = "users";
    public const string UserCount = "userCount";
    public const string ConnectionCount = "connectionCount";
    public const string CountsOnly = "countsOnly";
    public const string UserId = "userId";
    public const string DisplayName = "displayName";
    public const string Connections = "connections";
    public const string OnlineSince = "onlineSince";

    /// <summary>An event's <c>data</c>: <c>{users: [...], userCount, countsOnly}</c>; no users above the list bound.</summary>
    public static Dictionary<string, object?> Event(IReadOnlyList<PresenceUser> users, long userCount, bool countsOnly) => new()
    {
        [Users] = countsOnly ? new List<Dictionary<string, object?>>() : users.Select(User).ToList(),
        [UserCount] = userCount,
        [CountsOnly] = countsOnly,
    };

    /// <summary><c>GetPresence</c>'s answer.</summary>
    public static Dictionary<string, object?> Snapshot(PresenceSnapshot snapshot, string scope, string timestamp) => new()
    {
        [TenantRealtimeWire.EnvelopeFields.Scope] = scope,
        [TenantRealtimeWire.EnvelopeFields.OrganizationId] = snapshot.OrganizationId,
        [TenantRealtimeWire.EnvelopeFields.TenantId] = snapshot.TenantId,
        [UserCount] = snapshot.UserCount,
        [ConnectionCount] = snapshot.ConnectionCount,
        [CountsOnly] = snapshot.CountsOnly,
        [Users] = snapshot.Users.Select(User).ToList(),
        [TenantRealtimeWire.EnvelopeFields.Timestamp] = timestamp,
    };

    /// <summary>One user: <c>{userId, displayName, connections, onlineSince}</c>.</summary>
    public static Dictionary<string, object?> User(PresenceUser user) => new()
    {
        [UserId] = user.UserId,
        [DisplayName] = user.DisplayName,
        [Connections] = user.Connections,
        [OnlineSince] = Timestamp(user.OnlineSince),
    };

    /// <summary>ISO-8601 UTC, as every timestamp of the wire contract.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}

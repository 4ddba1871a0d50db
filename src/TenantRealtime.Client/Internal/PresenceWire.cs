using System.Globalization;
using System.Text.Json;

namespace TenantRealtime.Client.Internal;

/// <summary>One topic <c>presence</c> event: its type, topic and data (the users it names, the count and countsOnly).</summary>
internal sealed record PresenceUpdate(string Type, TopicRef Topic, TopicPresence Data);

/// <summary>What a subscription holds of its topic's presence; replaced whole, so a reader sees both values of one change.</summary>
internal sealed record PresenceHeld(TopicPresence? Presence, string? Error)
{
    public static readonly PresenceHeld None = new(null, null);
}

/// <summary>
/// Presence on the wire (<c>{users: [{userId, displayName, connections, onlineSince}], userCount, countsOnly}</c>), read
/// from a <see cref="JsonElement"/>: the JSON protocol's, or one serialized from the maps MessagePack gives, or from the
/// application's own type when it registered the <c>presence</c> event (so names are matched ignoring case).
/// </summary>
internal static class PresenceWire
{
    public static JsonElement ToElement(object? value) => value switch
    {
        null => default,
        JsonElement element => element,
        _ => JsonSerializer.SerializeToElement(value, value.GetType()),
    };

    /// <summary>
    /// Reads presence data; <see langword="null"/> when it is not an object. Users without an id are skipped. A user
    /// without <c>onlineSince</c> (an application's own type for the event may leave it out) takes
    /// <paramref name="since"/>, the event's timestamp: a <c>joined</c> user came online then.
    /// </summary>
    public static TopicPresence? Read(JsonElement data, DateTimeOffset? since = null)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var users = new List<TopicPresenceUser>();
        if (Property(data, "users") is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && String(item, "userId") is { Length: > 0 } userId)
                {
                    users.Add(new TopicPresenceUser(userId, String(item, "displayName"), Int64(item, "connections") ?? 0, Time(item, "onlineSince") ?? since ?? DateTimeOffset.MinValue));
                }
            }
        }

        var countsOnly = Property(data, "countsOnly")?.ValueKind == JsonValueKind.True;
        return new TopicPresence(Int64(data, "userCount") ?? users.Count, countsOnly, countsOnly ? [] : Ordered(users));
    }

    /// <summary>The topic a presence event names, or <see langword="null"/> when it is not a topic's (scope <c>topic</c>).</summary>
    public static TopicRef? TopicOf(string? scope, string? organizationId, string? tenantId, string? topic) =>
        scope == TenantRealtimeWire.Scopes.Topic && organizationId is { Length: > 0 }
            ? TopicRef.FromWire(tenantId is null ? TenantRealtimeWire.Scopes.Organization : TenantRealtimeWire.Scopes.Tenant, topic, organizationId, tenantId)
            : null;

    /// <summary>Applies a <c>joined</c> (upsert by user id) or <c>left</c> (remove) to <paramref name="held"/>; the count is the event's.</summary>
    public static TopicPresence Apply(TopicPresence held, PresenceUpdate update)
    {
        if (update.Data.CountsOnly)
        {
            // The server lists no one above its bound; a list kept from before would go stale.
            return new TopicPresence(update.Data.UserCount, true, []);
        }

        var users = held.Users.ToDictionary(user => user.UserId, StringComparer.Ordinal);
        foreach (var user in update.Data.Users)
        {
            if (update.Type == TenantRealtimeWire.PresenceTypes.Joined)
            {
                users[user.UserId] = user;
            }
            else
            {
                users.Remove(user.UserId);
            }
        }

        return new TopicPresence(update.Data.UserCount, false, Ordered(users.Values));
    }

    private static TopicPresenceUser[] Ordered(IEnumerable<TopicPresenceUser> users) =>
        [.. users.OrderBy(user => user.OnlineSince).ThenBy(user => user.UserId, StringComparer.Ordinal)];

    private static JsonElement? Property(JsonElement item, string name)
    {
        if (item.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in item.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? String(JsonElement item, string name) =>
        Property(item, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static long? Int64(JsonElement item, string name) =>
        Property(item, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    private static DateTimeOffset? Time(JsonElement item, string name) =>
        Property(item, name) is { ValueKind: JsonValueKind.String } text
        && DateTimeOffset.TryParse(text.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}

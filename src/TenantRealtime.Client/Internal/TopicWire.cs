using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Fields = TenantRealtime.TenantRealtimeWire.TopicFields;

namespace TenantRealtime.Client.Internal;

/// <summary>One topic of an answer of <c>Subscribe</c> or <c>Unsubscribe</c>, or of the <c>unsubscribed</c> event.</summary>
/// <remarks>Its presence is <c>PresenceHeld.None</c> for a topic without presence (no <c>presence</c> field).</remarks>
internal sealed record TopicAnswer(string Room, TopicRef Topic, bool Subscribed, RoomPosition? Position, string? Error, PresenceHeld Presence);

/// <summary>
/// The topic calls on the wire: requests as dictionaries (their single and list forms), and answers read from whatever the
/// hub protocol gives an <see cref="object"/> (a <see cref="JsonElement"/> under JSON, maps and arrays under MessagePack)
/// through one JSON reading, so both protocols are read by the same code.
/// </summary>
internal static class TopicWire
{
    public static Dictionary<string, object> Request(TopicRef topic)
    {
        var request = new Dictionary<string, object>
        {
            [Fields.Scope] = topic.Scope,
            [Fields.Topic] = topic.Topic,
        };
        if (topic.OrganizationId is not null)
        {
            request[Fields.OrganizationId] = topic.OrganizationId;
        }

        if (topic.TenantId is not null)
        {
            request[Fields.TenantId] = topic.TenantId;
        }

        return request;
    }

    /// <summary>The list form; a plain array, which MessagePack's resolver serializes.</summary>
    public static Dictionary<string, object> Request(IEnumerable<TopicRef> topics) =>
        new() { [Fields.Topics] = topics.Select(Request).ToArray() };

    /// <summary>Reads <c>{topics: [ … ]}</c>; topics the answer does not name well are skipped.</summary>
    public static List<TopicAnswer> Read(object? answer)
    {
        var element = answer switch
        {
            null => default,
            JsonElement json => json,
            _ => JsonSerializer.SerializeToElement(answer),
        };
        var topics = new List<TopicAnswer>();
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(Fields.Topics, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return topics;
        }

        foreach (var item in list.EnumerateArray())
        {
            var room = String(item, Fields.Room);
            var topic = TopicRef.FromWire(String(item, Fields.Scope), String(item, Fields.Topic), String(item, Fields.OrganizationId), String(item, Fields.TenantId));
            if (room is null || topic is null)
            {
                continue;
            }

            var subscribed = item.TryGetProperty(Fields.Subscribed, out var flag) && flag.ValueKind == JsonValueKind.True;
            topics.Add(new TopicAnswer(room, topic, subscribed, Position(item), String(item, Fields.Error), Presence(item)));
        }

        return topics;
    }

    /// <summary>The code of a coded hub error (<c>… HubException: &lt;code&gt;: &lt;sentence&gt;</c>), or <see langword="null"/>.</summary>
    public static string? CodeOf(HubException exception)
    {
        const string Marker = "HubException: ";
        var message = exception.Message;
        var start = message.LastIndexOf(Marker, StringComparison.Ordinal);
        start = start < 0 ? 0 : start + Marker.Length;
        var colon = message.IndexOf(':', start);
        if (colon <= start)
        {
            return null;
        }

        var code = message[start..colon];
        return code.All(c => c is (>= 'a' and <= 'z') or '-') ? code : null;
    }

    /// <summary>
    /// Whether the server has no such hub method: an older server, without topics. SignalR answers an unknown method
    /// with "Unknown hub method" or, when binding its arguments, "Method does not exist".
    /// </summary>
    public static bool IsMissingMethod(HubException exception) =>
        exception.Message.Contains("Unknown hub method", StringComparison.OrdinalIgnoreCase)
        || exception.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase);

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A granted topic's <c>presence</c> (and <c>presenceError</c> when it is <see langword="null"/>).</summary>
    private static PresenceHeld Presence(JsonElement item)
    {
        var error = String(item, Fields.PresenceError);
        var presence = item.TryGetProperty(Fields.Presence, out var value) ? PresenceWire.Read(value) : null;
        return presence is null && error is null ? PresenceHeld.None : new PresenceHeld(presence, presence is null ? error : null);
    }

    private static RoomPosition? Position(JsonElement item)
    {
        if (!item.TryGetProperty(Fields.Position, out var position) || position.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var room = String(position, "room");
        var epoch = String(position, "epoch");
        return room is not null && epoch is not null && position.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var value)
            ? new RoomPosition(room, epoch, value)
            : null;
    }
}

using Fields = TenantRealtime.TenantRealtimeWire.TopicFields;

namespace TenantRealtime.Topics.Internal;

/// <summary>How a topic is written in <c>Subscribe</c>'s and <c>Unsubscribe</c>'s answers and in the <c>unsubscribed</c> event.</summary>
internal static class TopicPayload
{
    public static Dictionary<string, object?> Of(Topic topic, bool subscribed) => new()
    {
        [Fields.Room] = topic.Room.Name,
        [Fields.Scope] = TopicAccess.ScopeOf(topic),
        [Fields.Topic] = topic.Name,
        [Fields.OrganizationId] = topic.OrganizationId,
        [Fields.TenantId] = topic.TenantId,
        [Fields.Subscribed] = subscribed,
    };

    /// <summary><c>{topics: [ … ]}</c>.</summary>
    public static Dictionary<string, object?> List(IEnumerable<Dictionary<string, object?>> topics) => new() { [Fields.Topics] = topics.ToList() };

    /// <summary>The <c>unsubscribed</c> event: topics the server took away, each refused (<c>forbidden</c>).</summary>
    public static Dictionary<string, object?> Revoked(IEnumerable<Topic> topics) =>
        List(topics.Select(topic =>
        {
            var payload = Of(topic, subscribed: false);
            payload[Fields.Error] = TenantRealtimeWire.Errors.Forbidden;
            return payload;
        }));
}

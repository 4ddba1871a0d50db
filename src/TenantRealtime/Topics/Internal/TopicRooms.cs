using TenantRealtime.Identity.Internal;

namespace TenantRealtime.Topics.Internal;

/// <summary>A topic the app names, checked against this server's bounds, to its room key.</summary>
internal static class TopicRooms
{
    /// <summary>The room key of <paramref name="topic"/>.</summary>
    /// <exception cref="ArgumentException">The topic is <c>default</c>, or an id or its name is longer than the options allow.</exception>
    public static string Of(Topic topic, TenantRealtimeOptions options, string paramName)
    {
        if (topic.OrganizationId is null)
        {
            throw new ArgumentException("The topic must be made with Topic.InTenant or Topic.InOrganization.", paramName);
        }

        Ids.ThrowIfInvalid(topic.OrganizationId, options.MaxIdLength, paramName);
        if (topic.TenantId is not null)
        {
            Ids.ThrowIfInvalid(topic.TenantId, options.MaxIdLength, paramName);
        }

        TopicNames.ThrowIfInvalid(topic.Name, options.MaxTopicNameLength, paramName);
        return topic.Room.Name;
    }
}

using Microsoft.Extensions.Options;

namespace TenantRealtime.Topics.Internal;

/// <summary>
/// The default <see cref="ITopicAuthorizer"/>: the delivery rules of rooms, applied to topics. A member may subscribe
/// to its own tenant's topics, an admin to its organization's topics and any of its tenants', and a
/// cross-organization role to any topic (of organizations it holds, which the library checks before asking).
/// </summary>
internal sealed class DefaultTopicAuthorizer(IOptionsMonitor<TenantRealtimeOptions> options) : ITopicAuthorizer
{
    public ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var identity = context.Identity;
        var everywhere = settings.CrossOrganizationRoles.Contains(identity.Role);
        var admin = settings.AdminRoles.Contains(identity.Role);
        var answers = new bool[context.Topics.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            var topic = context.Topics[i];
            var own = string.Equals(topic.OrganizationId, identity.OrganizationId, StringComparison.Ordinal);
            answers[i] = everywhere
                || (own && admin)
                || (own && topic.TenantId is not null && string.Equals(topic.TenantId, identity.TenantId, StringComparison.Ordinal));
        }

        return ValueTask.FromResult<IReadOnlyList<bool>>(answers);
    }
}

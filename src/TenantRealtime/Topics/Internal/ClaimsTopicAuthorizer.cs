namespace TenantRealtime.Topics.Internal;

/// <summary>
/// An <see cref="ITopicAuthorizer"/> that reads what a connection may subscribe to from its token, as Ably's
/// capabilities do, so a subscribe needs no database call. Each value of the claim (several claims, or one value of
/// patterns separated by spaces) is <c>{where}:{pattern}</c>:
/// <c>tenant:</c> topics of the identity's own tenant, <c>tenants:</c> topics of any tenant of its organization, and
/// <c>organization:</c> its organization's topics. A pattern is a topic name, or a prefix ending in <c>*</c>
/// (<c>tenant:incident:*</c>). Patterns grant within the identity's own organization only.
/// </summary>
internal sealed class ClaimsTopicAuthorizer(string claimType) : ITopicAuthorizer
{
    public const string DefaultClaimType = "topics";

    private const string OwnTenant = "tenant:";
    private const string AnyTenant = "tenants:";
    private const string Organization = "organization:";

    public string ClaimType { get; } = claimType;

    public ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken)
    {
        var patterns = context.User.FindAll(ClaimType)
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        var identity = context.Identity;
        var answers = new bool[context.Topics.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            var topic = context.Topics[i];
            if (!string.Equals(topic.OrganizationId, identity.OrganizationId, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var pattern in patterns)
            {
                var grants = topic.TenantId is null
                    ? Matches(pattern, Organization, topic.Name)
                    : Matches(pattern, AnyTenant, topic.Name)
                      || (string.Equals(topic.TenantId, identity.TenantId, StringComparison.Ordinal) && Matches(pattern, OwnTenant, topic.Name));
                if (grants)
                {
                    answers[i] = true;
                    break;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<bool>>(answers);
    }

    private static bool Matches(string pattern, string where, string topic)
    {
        if (!pattern.StartsWith(where, StringComparison.Ordinal))
        {
            return false;
        }

        var name = pattern.AsSpan(where.Length);
        return name.EndsWith("*") ? topic.AsSpan().StartsWith(name[..^1], StringComparison.Ordinal) : topic.AsSpan().SequenceEqual(name);
    }
}

using System.Security.Claims;
using Microsoft.Extensions.Logging;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Topics.Internal;

/// <summary>
/// The one place a topic is granted: only inside organizations the connection holds (its own, or one it joined),
/// whatever the <see cref="ITopicAuthorizer"/> says, and then only what the authorizer allows. Used by <c>Subscribe</c>
/// and by revocation, which asks again for the topics held.
/// </summary>
internal sealed class TopicAccess(ITopicAuthorizer authorizer, TenantRealtimeMetrics metrics, ILogger<TopicAccess> logger)
{
    /// <summary>
    /// Which of <paramref name="topics"/> a connection holding <paramref name="rooms"/> may subscribe to, in order. A
    /// connection without claims (<paramref name="user"/> null) is asked about as a principal without any.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<bool[]> DecideAsync(TenantIdentity identity, ClaimsPrincipal? user, IReadOnlyList<TenantRoom> rooms, IReadOnlyList<Topic> topics, CancellationToken cancellationToken)
    {
        var answers = await AskAsync(identity, user ?? new ClaimsPrincipal(), rooms, topics, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < topics.Count; i++)
        {
            if (!answers[i])
            {
                TenantRealtimeLog.TopicRefused(logger, identity.UserId, identity.OrganizationId, topics[i].Room.Name);
            }
        }

        return answers;
    }

    /// <summary>The wire scope of a topic: <c>tenant</c> or <c>organization</c>.</summary>
    public static string ScopeOf(Topic topic) => topic.TenantId is null ? TenantRealtimeWire.Scopes.Organization : TenantRealtimeWire.Scopes.Tenant;

    private async Task<bool[]> AskAsync(TenantIdentity identity, ClaimsPrincipal user, IReadOnlyList<TenantRoom> rooms, IReadOnlyList<Topic> topics, CancellationToken cancellationToken)
    {
        var answers = new bool[topics.Count];
        var asked = new List<Topic>(topics.Count);
        var positions = new List<int>(topics.Count);
        for (var i = 0; i < topics.Count; i++)
        {
            if (HoldsOrganization(rooms, topics[i].OrganizationId))
            {
                asked.Add(topics[i]);
                positions.Add(i);
            }
        }

        if (asked.Count == 0)
        {
            return answers;
        }

        IReadOnlyList<bool> decided;
        try
        {
            decided = await authorizer.AuthorizeAsync(new TopicAuthorizationContext(identity, user, asked), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fail closed: a topic is never granted on an authorizer that could not answer.
            TenantRealtimeLog.TopicAuthorizerFailed(logger, identity.UserId, identity.OrganizationId, ex);
            metrics.TopicAuthorizerFailed();
            return answers;
        }

        if (decided is null || decided.Count != asked.Count)
        {
            TenantRealtimeLog.TopicAuthorizerMiscounted(logger, authorizer.GetType().Name, asked.Count, decided?.Count ?? -1);
            metrics.TopicAuthorizerFailed();
            return answers;
        }

        for (var i = 0; i < asked.Count; i++)
        {
            answers[positions[i]] = decided[i];
        }

        return answers;
    }

    /// <summary>Whether the connection holds a room (not a topic) of <paramref name="organizationId"/>.</summary>
    public static bool HoldsOrganization(IReadOnlyList<TenantRoom> rooms, string organizationId)
    {
        foreach (var room in rooms)
        {
            if (!room.IsTopic && string.Equals(room.OrganizationId, organizationId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

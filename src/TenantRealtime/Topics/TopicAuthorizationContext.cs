using System.Security.Claims;

namespace TenantRealtime;

/// <summary>What an <see cref="ITopicAuthorizer"/> decides on: the identity, its claims, and the topics asked for.</summary>
public sealed class TopicAuthorizationContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="identity">The connection's authenticated identity.</param>
    /// <param name="user">The connection's claims principal (its token's claims).</param>
    /// <param name="topics">The topics asked for.</param>
    public TopicAuthorizationContext(TenantIdentity identity, ClaimsPrincipal user, IReadOnlyList<Topic> topics)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(topics);
        (Identity, User, Topics) = (identity, user, topics);
    }

    /// <summary>Gets the connection's authenticated identity.</summary>
    public TenantIdentity Identity { get; }

    /// <summary>Gets the connection's claims principal, for claims the identity does not carry.</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>Gets the topics asked for, each inside an organization the connection holds.</summary>
    public IReadOnlyList<Topic> Topics { get; }
}

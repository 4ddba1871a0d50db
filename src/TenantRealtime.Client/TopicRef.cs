namespace TenantRealtime.Client;

/// <summary>
/// Names a topic to subscribe to: a room the app defines inside a tenant (<see cref="Tenant"/>, room
/// <c>topic:{o}:{t}:{topic}</c>) or inside an organization (<see cref="Organization"/>, room <c>org-topic:{o}:{topic}</c>).
/// Ids left out are the connection's own. The client checks only that the name and given ids are not empty; the server
/// checks the rest (a name is <c>[A-Za-z0-9_.-]</c> segments joined by single <c>:</c>) and decides whether it is granted.
/// </summary>
public sealed record TopicRef
{
    private TopicRef(string scope, string topic, string? organizationId, string? tenantId)
    {
        Scope = scope;
        Topic = topic;
        OrganizationId = organizationId;
        TenantId = tenantId;
    }

    /// <summary>Gets the topic's scope: <c>tenant</c> or <c>organization</c> (<see cref="TenantRealtimeWire.Scopes"/>).</summary>
    public string Scope { get; }

    /// <summary>Gets the topic's name, for example <c>incident:42</c>.</summary>
    public string Topic { get; }

    /// <summary>Gets the organization the topic lives in, or <see langword="null"/> for the connection's own.</summary>
    public string? OrganizationId { get; }

    /// <summary>Gets the tenant a tenant topic lives in, or <see langword="null"/> for the connection's own (always <see langword="null"/> for an organization topic).</summary>
    public string? TenantId { get; }

    /// <summary>A topic inside a tenant.</summary>
    /// <param name="topic">The topic's name, for example <c>incident:42</c>.</param>
    /// <param name="tenantId">The tenant; <see langword="null"/> for the connection's own.</param>
    /// <param name="organizationId">The organization; <see langword="null"/> for the connection's own.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">The name, or an id that is given, is empty.</exception>
    public static TopicRef Tenant(string topic, string? tenantId = null, string? organizationId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ThrowIfEmpty(tenantId, nameof(tenantId));
        ThrowIfEmpty(organizationId, nameof(organizationId));
        return new TopicRef(TenantRealtimeWire.Scopes.Tenant, topic, organizationId, tenantId);
    }

    /// <summary>A topic inside an organization.</summary>
    /// <param name="topic">The topic's name, for example <c>release:2026-12</c>.</param>
    /// <param name="organizationId">The organization; <see langword="null"/> for the connection's own.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">The name, or the id when given, is empty.</exception>
    public static TopicRef Organization(string topic, string? organizationId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ThrowIfEmpty(organizationId, nameof(organizationId));
        return new TopicRef(TenantRealtimeWire.Scopes.Organization, topic, organizationId, null);
    }

    /// <summary>Returns the topic as <c>{scope} {organizationId}/{tenantId}/{topic}</c>, with <c>*</c> for an id left to the connection.</summary>
    /// <returns>The topic, for logs and messages.</returns>
    public override string ToString() => Scope == TenantRealtimeWire.Scopes.Tenant
        ? $"{Scope} {OrganizationId ?? "*"}/{TenantId ?? "*"}/{Topic}"
        : $"{Scope} {OrganizationId ?? "*"}/{Topic}";

    /// <summary>The topic as it came in a server's answer (every id filled), or <see langword="null"/> when the answer lacks its scope or name.</summary>
    internal static TopicRef? FromWire(string? scope, string? topic, string? organizationId, string? tenantId) => (scope, topic) switch
    {
        (TenantRealtimeWire.Scopes.Tenant, { Length: > 0 }) => new TopicRef(scope, topic, organizationId, tenantId),
        (TenantRealtimeWire.Scopes.Organization, { Length: > 0 }) => new TopicRef(scope, topic, organizationId, null),
        _ => null,
    };

    private static void ThrowIfEmpty(string? id, string name)
    {
        if (id is { Length: 0 })
        {
            throw new ArgumentException("An id, when given, must not be empty; pass null for the connection's own.", name);
        }
    }
}

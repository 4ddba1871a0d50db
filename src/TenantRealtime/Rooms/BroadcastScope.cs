namespace TenantRealtime;

/// <summary>Who a broadcast is addressed to; sent in the envelope as <c>scope</c> (<c>all</c>, <c>organization</c>, <c>tenant</c>, <c>user</c>, <c>topic</c>).</summary>
public enum BroadcastScope
{
    /// <summary>Every connection.</summary>
    All,

    /// <summary>One organization.</summary>
    Organization,

    /// <summary>One tenant of one organization, and that organization's admins.</summary>
    Tenant,

    /// <summary>One user's connections.</summary>
    User,

    /// <summary>The subscribers of one topic of a tenant or an organization.</summary>
    Topic,
}

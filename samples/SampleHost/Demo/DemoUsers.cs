using TenantRealtime;

namespace SampleHost.Demo;

/// <summary>A demo identity the page offers in Development (it fetches a dev token for it).</summary>
internal sealed record DemoUser(string UserId, string Name, string OrganizationId, string OrganizationName, string? TenantId, string Role);

/// <summary>
/// Users covering every case the contract distinguishes: two tenants of one organization, the same tenant id in
/// another organization, organization admins and a platform admin.
/// </summary>
internal static class DemoUsers
{
    public static IReadOnlyList<DemoUser> All { get; } =
    [
        new("alice", "Alice Moreau", DemoData.Acme, "Acme Cloud", "tenant-1", TenantRoles.Member),
        new("bob", "Bob Okafor", DemoData.Acme, "Acme Cloud", "tenant-2", TenantRoles.Member),
        new("carol", "Carol Jensen", DemoData.Acme, "Acme Cloud", null, TenantRoles.Admin),
        new("dave", "Dave Lindqvist", DemoData.Globex, "Globex", "tenant-1", TenantRoles.Member),
        new("erin", "Erin Costa", DemoData.Globex, "Globex", null, TenantRoles.Admin),
        new("pat", "Pat Ramirez", DemoData.Acme, "Acme Cloud", null, TenantRoles.PlatformAdmin),
    ];
}

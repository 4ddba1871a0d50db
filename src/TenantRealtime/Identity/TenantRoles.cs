namespace TenantRealtime;

/// <summary>The role names the default options and the default <see cref="IRoomResolver"/> understand.</summary>
public static class TenantRoles
{
    /// <summary>A user of one tenant: receives its organization's, its tenant's and its own broadcasts.</summary>
    public const string Member = "member";

    /// <summary>An organization admin: additionally receives the broadcasts of every tenant of its organization.</summary>
    public const string Admin = "admin";

    /// <summary>An operator of the whole platform: an admin that may also join any organization.</summary>
    public const string PlatformAdmin = "platform-admin";
}

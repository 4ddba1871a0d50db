namespace SampleHost.Tests.Infrastructure;

/// <summary>
/// A fresh organization with tenants t1 and t2 and one service per scope, plus a foreign organization that also
/// has a tenant t1: the cases the authorization matrix and the delivery tests distinguish.
/// </summary>
public sealed class World
{
    private readonly SampleHostServer server;

    private World(SampleHostServer server, string org, string foreignOrg)
    {
        this.server = server;
        Org = org;
        ForeignOrg = foreignOrg;
    }

    public string Org { get; }

    public string ForeignOrg { get; }

    /// <summary>Service ids by scope: org-wide, tenant-1, tenant-2, foreign.</summary>
    public Dictionary<string, string> Services { get; } = [];

    public static async Task<World> CreateAsync(SampleHostServer server)
    {
        var world = new World(server, Unique.Org(), Unique.Org());
        using var admin = await world.ClientAsync("admin");
        world.Services["org-wide"] = await admin.CreateServiceAsync("API");
        world.Services["tenant-1"] = await admin.CreateServiceAsync("T1 database", "t1");
        world.Services["tenant-2"] = await admin.CreateServiceAsync("T2 database", "t2");
        using var foreign = await world.ClientAsync("foreign-admin");
        world.Services["foreign"] = await foreign.CreateServiceAsync("Foreign API");
        return world;
    }

    public Task<ApiClient> ClientAsync(string caller)
    {
        var (user, org, tenant, role) = Who(caller);
        return server.ClientAsync(user, org, tenant, role);
    }

    public Task<HubListener> ListenAsync(string caller, bool withState = false)
    {
        var (user, org, tenant, role) = Who(caller);
        return server.ListenAsync(user, org, tenant, role, withState);
    }

    public (string User, string Org, string? Tenant, string Role) Who(string caller) => caller switch
    {
        "member-t1" => ("m1", Org, "t1", "member"),
        "member-t2" => ("m2", Org, "t2", "member"),
        "admin" => ("boss", Org, null, "admin"),
        "platform-admin" => ("ops", Org, null, "platform-admin"),
        "foreign-member-t1" => ("fm1", ForeignOrg, "t1", "member"),
        "foreign-admin" => ("fboss", ForeignOrg, null, "admin"),
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, "unknown caller"),
    };

    public Task<string> SentinelAsync(string caller)
    {
        var (user, org, _, _) = Who(caller);
        return server.SendSentinelAsync(org, user);
    }
}

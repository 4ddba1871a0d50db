using System.Net;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Api;

/// <summary>The wire contract's REST rules: member / admin / platform-admin × own tenant, other tenant, org-wide, foreign organization.</summary>
[Collection(SampleHostCollection.Name)]
public sealed class AuthorizationMatrixTests(SampleHostFixture fixture)
{
    private SampleHostServer Server => fixture.Server;

    public static TheoryData<string, string, HttpStatusCode, HttpStatusCode> Matrix => new()
    {
        // caller, resource, GET, PATCH
        { "member-t1", "org-wide", HttpStatusCode.OK, HttpStatusCode.Forbidden },
        { "member-t1", "tenant-1", HttpStatusCode.OK, HttpStatusCode.OK },
        { "member-t1", "tenant-2", HttpStatusCode.NotFound, HttpStatusCode.NotFound },
        { "member-t1", "foreign", HttpStatusCode.NotFound, HttpStatusCode.NotFound },
        { "admin", "org-wide", HttpStatusCode.OK, HttpStatusCode.OK },
        { "admin", "tenant-1", HttpStatusCode.OK, HttpStatusCode.OK },
        { "admin", "tenant-2", HttpStatusCode.OK, HttpStatusCode.OK },
        { "admin", "foreign", HttpStatusCode.NotFound, HttpStatusCode.NotFound },
        { "platform-admin", "org-wide", HttpStatusCode.OK, HttpStatusCode.OK },
        { "platform-admin", "tenant-2", HttpStatusCode.OK, HttpStatusCode.OK },
        { "platform-admin", "foreign", HttpStatusCode.NotFound, HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task CallerReadsAndWritesExactlyWhatTheContractAllows(string caller, string resource, HttpStatusCode read, HttpStatusCode write)
    {
        var world = await World.CreateAsync(Server);
        using var client = await world.ClientAsync(caller);
        var id = world.Services[resource];

        (await client.GetAsync($"/api/services/{id}")).Status.Should().Be(read);
        var patched = await client.PatchAsync($"/api/services/{id}", new { status = "partial_outage" });
        patched.Status.Should().Be(write, patched.Text);
        if (write != HttpStatusCode.OK)
        {
            patched.ContentType.Should().Be("application/problem+json");
            using var admin = await world.ClientAsync(resource == "foreign" ? "foreign-admin" : "admin");
            (await admin.GetAsync($"/api/services/{id}")).Json.GetProperty("status").GetString().Should().Be("operational", "a refused write changes nothing");
        }
    }

    [Fact]
    public async Task MemberListsOrgWideAndOwnTenantServicesOnly()
    {
        var world = await World.CreateAsync(Server);
        using var member = await world.ClientAsync("member-t1");
        using var admin = await world.ClientAsync("admin");

        Ids(await member.GetAsync("/api/services")).Should().BeEquivalentTo([world.Services["org-wide"], world.Services["tenant-1"]]);
        Ids(await admin.GetAsync("/api/services")).Should().BeEquivalentTo([world.Services["org-wide"], world.Services["tenant-1"], world.Services["tenant-2"]]);
    }

    [Fact]
    public async Task MemberCreatesInOwnTenantOnly()
    {
        var world = await World.CreateAsync(Server);
        using var member = await world.ClientAsync("member-t1");

        var created = await member.PostAsync("/api/services", new { name = "Mine" });
        created.Status.Should().Be(HttpStatusCode.Created);
        created.Json.GetProperty("tenantId").GetString().Should().Be("t1", "a member's tenant comes from its token");
        created.Json.GetProperty("organizationId").GetString().Should().Be(world.Org);
        created.Location!.ToString().Should().Be($"/api/services/{created.Json.GetProperty("id").GetString()}");

        (await member.PostAsync("/api/services", new { name = "Org-wide", tenantId = (string?)null })).Status.Should().Be(HttpStatusCode.Forbidden);
        (await member.PostAsync("/api/services", new { name = "Other", tenantId = "t2" })).Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AdminCreatesOrgWideByDefaultAndForAnyTenantOfItsOrganization()
    {
        var world = await World.CreateAsync(Server);
        using var admin = await world.ClientAsync("admin");

        var orgWide = await admin.PostAsync("/api/services", new { name = "Shared" });
        orgWide.Json.GetProperty("tenantId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        var tenant = await admin.PostAsync("/api/services", new { name = "T2 only", tenantId = "t2" });
        tenant.Status.Should().Be(HttpStatusCode.Created);
        tenant.Json.GetProperty("tenantId").GetString().Should().Be("t2");
    }

    [Theory]
    [InlineData("member-t1")]
    [InlineData("admin")]
    [InlineData("platform-admin")]
    public async Task NamingAnotherOrganizationIsForbiddenForEveryRole(string caller)
    {
        var world = await World.CreateAsync(Server);
        using var client = await world.ClientAsync(caller);

        (await client.PostAsync("/api/services", new { name = "X", organizationId = world.ForeignOrg })).Status.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/api/services?organizationId={world.ForeignOrg}")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/api/incidents?organizationId={world.ForeignOrg}")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsync("/api/services", new { name = "Own", organizationId = world.Org, tenantId = "t1" })).Status.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task StatusCombinesOnlyTheScopesTheCallerMayRead()
    {
        var world = await World.CreateAsync(Server);
        using var admin = await world.ClientAsync("admin");
        (await admin.PatchAsync($"/api/services/{world.Services["tenant-2"]}", new { status = "major_outage" })).Status.Should().Be(HttpStatusCode.OK);
        using var member = await world.ClientAsync("member-t1");

        var mine = (await member.GetAsync("/api/status")).Json;
        mine.GetProperty("indicator").GetString().Should().Be("none", "tenant 2's outage is not tenant 1's");
        mine.GetProperty("description").GetString().Should().Be("All Systems Operational");
        mine.GetProperty("organizationId").GetString().Should().Be(world.Org);
        mine.GetProperty("tenantId").GetString().Should().Be("t1");
        mine.GetProperty("services").GetArrayLength().Should().Be(2);

        var all = (await admin.GetAsync("/api/status")).Json;
        all.GetProperty("indicator").GetString().Should().Be("critical");
        all.GetProperty("description").GetString().Should().Be("Major System Outage");
    }

    [Fact]
    public async Task IncidentsOfAnotherTenantAreNotFound()
    {
        var world = await World.CreateAsync(Server);
        using var admin = await world.ClientAsync("admin");
        var incident = await admin.PostAsync("/api/incidents", new { name = "T2 trouble", tenantId = "t2" });
        var id = incident.Json.GetProperty("id").GetString();
        using var member = await world.ClientAsync("member-t1");

        (await member.GetAsync($"/api/incidents/{id}")).Status.Should().Be(HttpStatusCode.NotFound);
        (await member.PostAsync($"/api/incidents/{id}/updates", new { body = "hi" })).Status.Should().Be(HttpStatusCode.NotFound);
        (await member.GetAsync("/api/incidents")).Json.GetArrayLength().Should().Be(0);
    }

    private static IEnumerable<string?> Ids(ApiResponse response) =>
        response.Json.EnumerateArray().Select(s => s.GetProperty("id").GetString());
}

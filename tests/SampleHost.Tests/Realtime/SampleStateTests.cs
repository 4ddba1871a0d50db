using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SampleHost.Tests.Infrastructure;
using TenantRealtime;

namespace SampleHost.Tests.Realtime;

/// <summary>
/// What the page renders from: each scope's keyed state (<c>ITenantState</c>) holds its services, its open incidents
/// and its summary, from the start and after every change, and equals what the REST API says.
/// </summary>
[Collection(SampleHostCollection.Name)]
public sealed class SampleStateTests(SampleHostFixture fixture)
{
    [Fact]
    public async Task TheSeededStateHoldsEveryServiceTheOpenIncidentAndEachScopesSummary()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);

        var organization = await StateAsync(server, StateRoom.Organization("org-a"));
        organization.Keys.Should().BeEquivalentTo(["api", "web", "auth", "cdn", "webhooks", "inc-api-latency", "summary"]);
        organization["api"].GetProperty("status").GetString().Should().Be("degraded_performance");
        organization["inc-api-latency"].GetProperty("status").GetString().Should().Be("identified");
        organization["summary"].GetProperty("indicator").GetString().Should().Be("minor");

        var tenant = await StateAsync(server, StateRoom.Tenant("org-a", "tenant-2"));
        tenant.Keys.Should().BeEquivalentTo(["t2-db", "t2-search", "summary"]);
        tenant["summary"].GetProperty("indicator").GetString().Should().Be("maintenance");

        (await StateAsync(server, StateRoom.Tenant("org-b", "tenant-1"))).Keys.Should().BeEquivalentTo(["t1-db", "summary"],
            "Globex's tenant-1 is another room than Acme's");
    }

    [Fact]
    public async Task StateFollowsEveryChangeAndAResolvedIncidentIsRemoved()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var admin = await world.ClientAsync("admin");
        using var member = await world.ClientAsync("member-t1");
        var tenantRoom = StateRoom.Tenant(world.Org, "t1");
        var service = world.Services["tenant-1"];

        (await admin.PatchAsync($"/api/services/{service}", new { status = "partial_outage" })).Status.Should().Be(HttpStatusCode.OK);
        var created = await admin.PostAsync("/api/incidents", new
        {
            name = "Database down",
            tenantId = "t1",
            message = "Investigating.",
            serviceStatuses = new Dictionary<string, string> { [service] = "major_outage" },
        });
        created.Status.Should().Be(HttpStatusCode.Created, created.Text);
        var incident = created.Json.GetProperty("id").GetString()!;

        var state = await StateAsync(fixture.Server, tenantRoom);
        state[service].GetProperty("status").GetString().Should().Be("major_outage");
        state[incident].GetProperty("status").GetString().Should().Be("investigating");
        state["summary"].GetProperty("indicator").GetString().Should().Be("critical");
        await ExpectStateEqualsRestAsync(world, member);

        var resolved = await admin.PostAsync($"/api/incidents/{incident}/updates", new
        {
            status = "resolved",
            body = "Failed over.",
            serviceStatuses = new Dictionary<string, string> { [service] = "operational" },
        });
        resolved.Status.Should().Be(HttpStatusCode.Created, resolved.Text);

        state = await StateAsync(fixture.Server, tenantRoom);
        state.Should().NotContainKey(incident, "a resolved incident is removed from the state");
        state[service].GetProperty("status").GetString().Should().Be("operational");
        state["summary"].GetProperty("indicator").GetString().Should().Be("none");
        await ExpectStateEqualsRestAsync(world, member);

        (await admin.DeleteAsync($"/api/services/{service}")).Status.Should().Be(HttpStatusCode.NoContent);
        (await StateAsync(fixture.Server, tenantRoom)).Should().NotContainKey(service);
        (await StateAsync(fixture.Server, StateRoom.Tenant(world.ForeignOrg, "t1"))).Should().BeEmpty("nothing happened in the foreign organization");
    }

    [Fact]
    public async Task TheSummaryIsSetOnlyWhenItMoves()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var admin = await world.ClientAsync("admin");
        var api = world.Services["org-wide"];

        var before = DateTimeOffset.UtcNow;
        (await admin.PatchAsync($"/api/services/{api}", new { status = "partial_outage" })).Status.Should().Be(HttpStatusCode.OK);
        var moved = DateTimeOffset.UtcNow;
        (await admin.PatchAsync($"/api/services/{api}", new { description = "cosmetic" })).Status.Should().Be(HttpStatusCode.OK);
        (await admin.PatchAsync($"/api/services/{api}", new { name = "Still partially out" })).Status.Should().Be(HttpStatusCode.OK);

        // Set in the request that moved it, and not again by the two that did not: every page gets one change.
        var summary = (await StateAsync(fixture.Server, StateRoom.Organization(world.Org)))["summary"];
        summary.GetProperty("indicator").GetString().Should().Be("major");
        summary.GetProperty("updatedAt").GetDateTimeOffset().Should().BeOnOrAfter(before).And.BeOnOrBefore(moved);
    }

    [Fact]
    public async Task AnIncidentTooLargeForAStateValueKeepsItsNewestUpdatesThere()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var admin = await world.ClientAsync("admin");
        var created = await admin.PostAsync("/api/incidents", new { name = "Long story", message = new string('a', 5000) });
        created.Status.Should().Be(HttpStatusCode.Created, created.Text);
        var id = created.Json.GetProperty("id").GetString()!;

        // Five updates of 5,000 characters are more JSON than MaxStateValueBytes (16 KiB) allows.
        for (var i = 0; i < 4; i++)
        {
            var update = await admin.PostAsync($"/api/incidents/{id}/updates", new { status = "identified", body = $"{i}{new string('b', 4999)}" });
            update.Status.Should().Be(HttpStatusCode.Created, update.Text);
        }

        (await admin.GetAsync($"/api/incidents/{id}")).Json.GetProperty("updates").GetArrayLength().Should().Be(5, "the API keeps them all");
        var kept = (await StateAsync(fixture.Server, StateRoom.Organization(world.Org)))[id].GetProperty("updates").EnumerateArray().ToList();
        kept.Should().NotBeEmpty().And.HaveCountLessThan(5);
        kept[^1].GetProperty("body").GetString().Should().StartWith("3", "the newest update is kept");
    }

    [Fact]
    public async Task TheTenantListNamesOnlyTenantsTheCallerMayRead()
    {
        var world = await World.CreateAsync(fixture.Server);
        foreach (var (caller, tenants) in new[] { ("admin", new[] { "t1", "t2" }), ("member-t1", ["t1"]), ("foreign-admin", []) })
        {
            using var client = await world.ClientAsync(caller);
            var response = await client.GetAsync("/api/status/tenants");
            response.Status.Should().Be(HttpStatusCode.OK, response.Text);
            response.Json.EnumerateArray().Select(t => t.GetString()).Should().Equal(tenants, caller);
        }

        (await fixture.Server.Anonymous.GetAsync("/api/status/tenants")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    /// <summary>The member's rooms (organization and tenant) hold exactly what <c>GET /api/status</c> answers it.</summary>
    private async Task ExpectStateEqualsRestAsync(World world, ApiClient member)
    {
        var rest = (await member.GetAsync("/api/status")).Json;
        var rooms = new[] { await StateAsync(fixture.Server, StateRoom.Organization(world.Org)), await StateAsync(fixture.Server, StateRoom.Tenant(world.Org, "t1")) };
        var values = rooms.SelectMany(r => r).Where(e => e.Key != "summary").ToDictionary(e => e.Key, e => Canonical(e.Value));

        var expected = rest.GetProperty("services").EnumerateArray().Concat(rest.GetProperty("incidents").EnumerateArray())
            .ToDictionary(e => e.GetProperty("id").GetString()!, Canonical);
        values.Should().BeEquivalentTo(expected);
        rooms.Select(r => r["summary"].GetProperty("indicator").GetString()).Should().Contain(rest.GetProperty("indicator").GetString(),
            "the page's banner is the worst summary of its rooms");
    }

    /// <summary>The same JSON written one way (the hub and the API escape characters differently).</summary>
    private static string Canonical(JsonElement value) => JsonNode.Parse(value.GetRawText())!.ToJsonString();

    private static async Task<Dictionary<string, JsonElement>> StateAsync(SampleHostServer server, StateRoom room)
    {
        var values = await server.Services.GetRequiredService<ITenantState>().GetAsync(room);
        return values.ToDictionary(e => e.Key, e => JsonSerializer.SerializeToElement(e.Value));
    }
}

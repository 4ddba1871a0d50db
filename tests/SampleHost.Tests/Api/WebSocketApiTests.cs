using System.Net;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Api;

/// <summary><c>/api/websocket/info</c> and <c>/api/websocket/broadcast</c>, scoped by role.</summary>
[Collection(SampleHostCollection.Name)]
public sealed class WebSocketApiTests(SampleHostFixture fixture)
{
    [Fact]
    public async Task InfoShowsOwnOrganizationToAdminsAndEverythingToPlatformAdmins()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1");
        await using var foreign = await world.ListenAsync("foreign-member-t1");
        using var admin = await world.ClientAsync("admin");
        using var operator_ = await world.ClientAsync("platform-admin");

        var own = (await admin.GetAsync("/api/websocket/info")).Json;
        own.GetProperty("connections").GetInt64().Should().Be(1);
        var organization = own.GetProperty("organizations").EnumerateArray().Single();
        organization.GetProperty("organizationId").GetString().Should().Be(world.Org);
        organization.GetProperty("tenants").EnumerateArray().Single().GetProperty("tenantId").GetString().Should().Be("t1");
        (await admin.GetAsync($"/api/websocket/info?organizationId={world.ForeignOrg}")).Status.Should().Be(HttpStatusCode.Forbidden);

        var all = (await operator_.GetAsync("/api/websocket/info")).Json;
        all.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("organizationId").GetString())
            .Should().Contain([world.Org, world.ForeignOrg]);
        var foreignOnly = (await operator_.GetAsync($"/api/websocket/info?organizationId={world.ForeignOrg}")).Json;
        foreignOnly.GetProperty("connections").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task AdminBroadcastsWithinItsOrganizationAndPlatformAdminAnywhere()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1");
        await using var foreign = await world.ListenAsync("foreign-member-t1");
        using var admin = await world.ClientAsync("admin");
        using var operator_ = await world.ClientAsync("platform-admin");
        using var plainMember = await world.ClientAsync("member-t1");

        var sent = await admin.PostAsync("/api/websocket/broadcast", new { scope = "organization", @event = "custom-note", type = "note", data = new { text = "hello" } });
        sent.Status.Should().Be(HttpStatusCode.Accepted, sent.Text);
        sent.Json.GetProperty("scope").GetString().Should().Be("organization");
        sent.Json.GetProperty("organizationId").GetString().Should().Be(world.Org, "ids default to the caller's");
        sent.Json.GetProperty("event").GetString().Should().Be("custom-note");
        sent.Json.GetProperty("timestamp").GetString().Should().EndWith("Z");
        (await member.WaitForAsync("custom-note")).Data.GetProperty("text").GetString().Should().Be("hello");

        (await admin.PostAsync("/api/websocket/broadcast", new { scope = "organization", organizationId = world.ForeignOrg, @event = "custom-note", type = "x" }))
            .Status.Should().Be(HttpStatusCode.Forbidden);
        (await admin.PostAsync("/api/websocket/broadcast", new { scope = "all", @event = "custom-note", type = "x" })).Status.Should().Be(HttpStatusCode.Forbidden);
        (await plainMember.PostAsync("/api/websocket/broadcast", new { scope = "organization", @event = "custom-note", type = "x" })).Status.Should().Be(HttpStatusCode.Forbidden);
        (await admin.PostAsync("/api/websocket/broadcast", new { scope = "organization", @event = "Bad_Event", type = "x" })).Status.Should().Be(HttpStatusCode.BadRequest);

        var cross = await operator_.PostAsync("/api/websocket/broadcast", new { scope = "tenant", organizationId = world.ForeignOrg, tenantId = "t1", @event = "custom-note", type = "ops" });
        cross.Status.Should().Be(HttpStatusCode.Accepted, cross.Text);
        (await foreign.WaitForAsync("custom-note")).Envelope.GetProperty("type").GetString().Should().Be("ops");
    }
}

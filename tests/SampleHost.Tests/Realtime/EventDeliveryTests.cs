using System.Globalization;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Realtime;

/// <summary>Which events each change produces, in which order, and who receives them (real .NET SignalR clients).</summary>
[Collection(SampleHostCollection.Name)]
public sealed class EventDeliveryTests(SampleHostFixture fixture)
{
    [Fact]
    public async Task OrgWideChangeReachesEveryoneInTheOrganizationAndNobodyElse()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member1 = await world.ListenAsync("member-t1");
        await using var member2 = await world.ListenAsync("member-t2");
        await using var admin = await world.ListenAsync("admin");
        await using var foreign = await world.ListenAsync("foreign-member-t1");
        using var writer = await world.ClientAsync("admin");
        var id = world.Services["org-wide"];

        await writer.PatchAsync($"/api/services/{id}", new { description = "renamed" });

        foreach (var listener in new[] { member1, member2, admin })
        {
            var e = await listener.WaitForAsync("service-update", "updated", id);
            e.Data.GetProperty("description").GetString().Should().Be("renamed");
            e.Envelope.GetProperty("scope").GetString().Should().Be("organization");
        }

        await foreign.WaitForSentinelAsync(await world.SentinelAsync("foreign-member-t1"));
        foreign.Received.Should().OnlyContain(e => e.Name == "sentinel");
    }

    [Fact]
    public async Task TenantChangeReachesThatTenantAndOrganizationAdminsOnly()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member1 = await world.ListenAsync("member-t1");
        await using var member2 = await world.ListenAsync("member-t2");
        await using var admin = await world.ListenAsync("admin");
        await using var foreignSameTenantId = await world.ListenAsync("foreign-member-t1");
        using var writer = await world.ClientAsync("member-t1");
        var id = world.Services["tenant-1"];

        await writer.PatchAsync($"/api/services/{id}", new { status = "degraded_performance" });

        await member1.WaitForAsync("service-update", "updated", id);
        var adminEvent = await admin.WaitForAsync("service-update", "updated", id);
        adminEvent.Envelope.GetProperty("tenantId").GetString().Should().Be("t1");
        adminEvent.Envelope.GetProperty("scope").GetString().Should().Be("tenant");

        await member2.WaitForSentinelAsync(await world.SentinelAsync("member-t2"));
        member2.Received.Should().OnlyContain(e => e.Name == "sentinel", "tenant 2 never sees tenant 1's changes");
        await foreignSameTenantId.WaitForSentinelAsync(await world.SentinelAsync("foreign-member-t1"));
        foreignSameTenantId.Received.Should().OnlyContain(e => e.Name == "sentinel", "equal tenant ids in two organizations are two rooms");
    }

    [Fact]
    public async Task IncidentIsAnnouncedAsServiceUpdatesThenIncidentUpdateThenStatusUpdate()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1");
        using var writer = await world.ClientAsync("admin");
        var api = world.Services["org-wide"];

        var created = await writer.PostAsync("/api/incidents", new
        {
            name = "Outage",
            message = "Down.",
            serviceStatuses = new Dictionary<string, string> { [api] = "major_outage" },
        });
        var incidentId = created.Json.GetProperty("id").GetString();

        var status = await member.WaitForAsync("status-update");
        member.Received.Select(e => $"{e.Name}/{e.Type}").Should().Equal("service-update/updated", "incident-update/created", "status-update/changed");
        member.Received[0].DataId.Should().Be(api);
        member.Received[0].Data.GetProperty("status").GetString().Should().Be("major_outage");
        member.Received[1].DataId.Should().Be(incidentId);
        member.Received[1].Data.GetProperty("updates").GetArrayLength().Should().Be(1);
        status.Data.GetProperty("organizationId").GetString().Should().Be(world.Org);
        status.Data.GetProperty("tenantId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        status.Data.GetProperty("indicator").GetString().Should().Be("critical");
        status.Data.GetProperty("description").GetString().Should().Be("Major System Outage");
        DateTimeOffset.Parse(status.Envelope.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture).Offset.Should().Be(TimeSpan.Zero);

        await writer.PostAsync($"/api/incidents/{incidentId}/updates", new { status = "resolved", body = "Fixed." });
        await member.WaitForAsync(e => e.Name == "status-update" && e.Data.GetProperty("indicator").GetString() == "none");
        member.Received.Skip(3).Select(e => $"{e.Name}/{e.Type}").Should().Equal("service-update/updated", "incident-update/resolved", "status-update/changed");
    }

    [Fact]
    public async Task StatusUpdateIsSentOnlyWhenTheSummaryChanges()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1");
        using var writer = await world.ClientAsync("admin");
        var api = world.Services["org-wide"];

        await writer.PatchAsync($"/api/services/{api}", new { description = "cosmetic" });
        await writer.PatchAsync($"/api/services/{api}", new { status = "partial_outage" });
        await writer.PatchAsync($"/api/services/{api}", new { name = "Still partially out" });
        await writer.PatchAsync($"/api/services/{api}", new { status = "operational" });
        await member.WaitForSentinelAsync(await world.SentinelAsync("member-t1"));

        member.Received.Where(e => e.Name == "status-update").Select(e => e.Data.GetProperty("indicator").GetString())
            .Should().Equal("major", "none");
        member.Received.Count(e => e.Name == "service-update").Should().Be(4);
    }

    [Fact]
    public async Task TenantStatusUpdateGoesToThatTenantOnly()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member1 = await world.ListenAsync("member-t1");
        await using var member2 = await world.ListenAsync("member-t2");
        await using var admin = await world.ListenAsync("admin");
        using var writer = await world.ClientAsync("admin");

        await writer.PatchAsync($"/api/services/{world.Services["tenant-2"]}", new { status = "under_maintenance" });

        var change = await member2.WaitForAsync("status-update");
        change.Data.GetProperty("tenantId").GetString().Should().Be("t2");
        change.Data.GetProperty("indicator").GetString().Should().Be("maintenance");
        await admin.WaitForAsync("status-update");
        await member1.WaitForSentinelAsync(await world.SentinelAsync("member-t1"));
        member1.Received.Should().OnlyContain(e => e.Name == "sentinel");
    }

    [Fact]
    public async Task DeletedServiceIsAnnouncedWithItsLastState()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1");
        using var writer = await world.ClientAsync("member-t1");
        var id = await writer.CreateServiceAsync("Temporary", status: "major_outage");

        await writer.DeleteAsync($"/api/services/{id}");

        await member.WaitForAsync("service-update", "deleted", id);

        // The status change follows the delete; the sentinel, sent after it, proves it has arrived.
        await member.WaitForSentinelAsync(await world.SentinelAsync("member-t1"));
        member.Received.Where(e => e.Name != "sentinel").Select(e => $"{e.Name}/{e.Type}").Should().Equal(
            "service-update/created", "status-update/changed", "service-update/deleted", "status-update/changed");
    }
}

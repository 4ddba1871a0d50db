using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SampleHost.Tests.Infrastructure;
using TenantRealtime;

namespace SampleHost.Tests.Realtime;

/// <summary>
/// What each change sends and who receives it (real .NET SignalR clients): services and summaries go out as keyed
/// state only, an incident as state and its updates also as <c>incident-update</c> events.
/// </summary>
[Collection(SampleHostCollection.Name)]
public sealed class EventDeliveryTests(SampleHostFixture fixture)
{
    [Fact]
    public async Task OrgWideChangeReachesEveryoneInTheOrganizationAndNobodyElse()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member1 = await world.ListenAsync("member-t1", withState: true);
        await using var member2 = await world.ListenAsync("member-t2", withState: true);
        await using var admin = await world.ListenAsync("admin", withState: true);
        await using var foreign = await world.ListenAsync("foreign-member-t1", withState: true);
        using var writer = await world.ClientAsync("admin");
        var id = world.Services["org-wide"];

        await writer.PatchAsync($"/api/services/{id}", new { description = "renamed" });

        foreach (var listener in new[] { member1, member2, admin })
        {
            await listener.WaitForValueAsync($"org:{world.Org}", id, v => v.GetProperty("description").GetString() == "renamed");
        }

        await foreign.WaitForSentinelAsync(await world.SentinelAsync("foreign-member-t1"));
        foreign.Received.Should().OnlyContain(e => e.Name == "sentinel");
        foreign.States.Should().OnlyContain(m => m.Full, "it got its own rooms' state at connect and nothing since");
    }

    [Fact]
    public async Task TenantChangeReachesThatTenantAndOrganizationAdminsOnly()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member1 = await world.ListenAsync("member-t1", withState: true);
        await using var member2 = await world.ListenAsync("member-t2", withState: true);
        await using var admin = await world.ListenAsync("admin", withState: true);
        await using var foreignSameTenantId = await world.ListenAsync("foreign-member-t1", withState: true);
        using var writer = await world.ClientAsync("member-t1");
        var id = world.Services["tenant-1"];
        var room = $"tenant:{world.Org}:t1";

        // An admin gets a tenant's changes once it has read that tenant's state.
        await admin.Connection.InvokeAsync<JsonElement>("GetState", new { room });
        await writer.PatchAsync($"/api/services/{id}", new { status = "degraded_performance" });

        foreach (var listener in new[] { member1, admin })
        {
            await listener.WaitForValueAsync(room, id, v => v.GetProperty("status").GetString() == "degraded_performance");
            var summary = await listener.WaitForValueAsync(room, "summary", v => v.GetProperty("indicator").GetString() == "minor");
            summary.Set["summary"].GetProperty("tenantId").GetString().Should().Be("t1");
        }

        await member2.WaitForSentinelAsync(await world.SentinelAsync("member-t2"));
        member2.States.Should().OnlyContain(m => m.Full, "tenant 2 never sees tenant 1's changes");
        await foreignSameTenantId.WaitForSentinelAsync(await world.SentinelAsync("foreign-member-t1"));
        foreignSameTenantId.States.Should().OnlyContain(m => m.Full && m.Room != room, "equal tenant ids in two organizations are two rooms");
    }

    [Fact]
    public async Task AnIncidentGoesOutAsStateAndItsUpdatesAsIncidentUpdateEvents()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1", withState: true);
        using var writer = await world.ClientAsync("admin");
        var api = world.Services["org-wide"];
        var room = $"org:{world.Org}";

        var created = await writer.PostAsync("/api/incidents", new
        {
            name = "Outage",
            message = "Down.",
            serviceStatuses = new Dictionary<string, string> { [api] = "major_outage" },
        });
        var incidentId = created.Json.GetProperty("id").GetString()!;

        var opened = await member.WaitForAsync("incident-update", "created", incidentId);
        opened.Data.GetProperty("updates").GetArrayLength().Should().Be(1);
        DateTimeOffset.Parse(opened.Envelope.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture).Offset.Should().Be(TimeSpan.Zero);
        await member.WaitForValueAsync(room, api, v => v.GetProperty("status").GetString() == "major_outage");
        await member.WaitForValueAsync(room, incidentId, v => v.GetProperty("status").GetString() == "investigating");
        var summary = (await member.WaitForValueAsync(room, "summary", v => v.GetProperty("indicator").GetString() == "critical")).Set["summary"];
        summary.GetProperty("organizationId").GetString().Should().Be(world.Org);
        summary.GetProperty("tenantId").ValueKind.Should().Be(JsonValueKind.Null);
        summary.GetProperty("description").GetString().Should().Be("Major System Outage");

        await writer.PostAsync($"/api/incidents/{incidentId}/updates", new { status = "resolved", body = "Fixed." });
        await member.WaitForAsync("incident-update", "resolved", incidentId);
        await member.WaitForStateAsync(m => m.Room == room && m.Removed.Contains(incidentId));
        await member.WaitForValueAsync(room, "summary", v => v.GetProperty("indicator").GetString() == "none");
        await member.WaitForSentinelAsync(await world.SentinelAsync("member-t1"));
        member.Received.Where(e => e.Name != "sentinel").Select(e => $"{e.Name}/{e.Type}").Should().Equal(
            ["incident-update/created", "incident-update/resolved"], "the services and the summary moved as state only");
    }

    [Fact]
    public async Task ADeletedServiceIsRemovedFromTheState()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1", withState: true);
        using var writer = await world.ClientAsync("member-t1");
        var room = $"tenant:{world.Org}:t1";
        var id = await writer.CreateServiceAsync("Temporary", status: "major_outage");
        await member.WaitForValueAsync(room, "summary", v => v.GetProperty("indicator").GetString() == "critical");

        await writer.DeleteAsync($"/api/services/{id}");

        await member.WaitForStateAsync(m => m.Room == room && m.Removed.Contains(id));
        await member.WaitForValueAsync(room, "summary", v => v.GetProperty("indicator").GetString() == "none");
        await member.WaitForSentinelAsync(await world.SentinelAsync("member-t1"));
        member.Received.Where(e => e.Name != "sentinel").Select(e => $"{e.Name}/{e.Type}").Should().Equal(
            ["tenant-update/created"], "a service's life is state; only its creation is announced, for the tenant's admins");
    }

    [Fact]
    public async Task AResourceCreatedInATenantIsAnnouncedSoAnAdminReadsItsState()
    {
        var world = await World.CreateAsync(fixture.Server);
        await using var admin = await world.ListenAsync("admin", withState: true);
        using var writer = await world.ClientAsync("admin");
        var room = $"tenant:{world.Org}:t3";

        var id = await writer.CreateServiceAsync("T3 cache", "t3");
        var announced = await admin.WaitForAsync("tenant-update", "created");
        announced.Data.GetProperty("tenantId").GetString().Should().Be("t3");
        announced.Envelope.GetProperty("tenantId").GetString().Should().Be("t3");
        await admin.Connection.InvokeAsync<JsonElement>("GetState", new { room });
        (await admin.WaitForStateAsync(m => m.Room == room && m.Full)).Set.Keys.Should().BeEquivalentTo([id, "summary"]);

        await writer.PatchAsync($"/api/services/{id}", new { status = "major_outage" });
        await admin.WaitForValueAsync(room, id, v => v.GetProperty("status").GetString() == "major_outage");
        await admin.WaitForSentinelAsync(await world.SentinelAsync("admin"));
        admin.Received.Count(e => e.Name == "tenant-update").Should().Be(1, "a change of a service is state only");
    }

    /// <summary>
    /// The flood of issue 30: a service flipped far faster than anyone reads it reaches a page as state at the rate
    /// bound, never once per flip, and the last flip always arrives.
    /// </summary>
    [Fact]
    public async Task AServiceFlippedManyTimesReachesAClientAtTheRateBoundAndEndsOnItsLatestStatus()
    {
        const int flips = 200;
        var world = await World.CreateAsync(fixture.Server);
        await using var member = await world.ListenAsync("member-t1", withState: true);
        using var writer = await world.ClientAsync("admin");
        var id = world.Services["org-wide"];
        var room = $"org:{world.Org}";
        var perSecond = fixture.Server.Services.GetRequiredService<IOptionsMonitor<TenantRealtimeOptions>>().CurrentValue.StateUpdatesPerSecondPerKey;
        var before = member.States.Count;

        var started = Stopwatch.StartNew();
        for (var i = 1; i <= flips; i++)
        {
            var response = await writer.PatchAsync($"/api/services/{id}", new { status = i % 2 == 1 ? "major_outage" : "partial_outage" });
            response.Status.Should().Be(System.Net.HttpStatusCode.OK, response.Text);
        }

        // The last flip (partial_outage) is the latest value of both keys.
        await member.WaitForValueAsync(room, id, v => v.GetProperty("status").GetString() == "partial_outage");
        var elapsed = started.Elapsed;
        var bound = 2 + (int)Math.Ceiling(elapsed.TotalSeconds * perSecond);
        var sent = member.States.Skip(before).Where(m => m.Room == room).ToList();
        var service = sent.Where(m => m.Changes(id)).ToList();
        service.Count.Should().BeLessThanOrEqualTo(bound, $"at most {perSecond} changes a second go out for one key ({elapsed})");
        service.Count.Should().BeLessThan(flips, "the flips were merged");
        service[^1].Set[id].GetProperty("status").GetString().Should().Be("partial_outage", "the latest value is never lost");
        sent.Count(m => m.Changes("summary")).Should().BeLessThanOrEqualTo(bound, "the summary flips with it, under the same bound");

        await member.WaitForValueAsync(room, "summary", v => v.GetProperty("indicator").GetString() == "major");
        await member.WaitForSentinelAsync(await world.SentinelAsync("member-t1"));
        member.Received.Should().OnlyContain(e => e.Name == "sentinel", "no flip is broadcast");
    }
}

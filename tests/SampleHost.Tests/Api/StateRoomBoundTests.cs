using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SampleHost.Tests.Infrastructure;
using TenantRealtime;

namespace SampleHost.Tests.Api;

/// <summary>
/// A scope's state room holds its services, its open incidents and its summary, at most <c>MaxStateKeysPerRoom</c>
/// keys. A create (or a reopening) past that is a 409 <c>limit-exceeded</c> before anything is saved, never a 500
/// after the write was stored. The host here allows 4 keys: a summary and three services or open incidents.
/// </summary>
public sealed class StateRoomBoundTests(StateRoomBoundTests.SmallRoomsFixture fixture) : IClassFixture<StateRoomBoundTests.SmallRoomsFixture>
{
    private const int MaxKeys = 4;

    private SampleHostServer Server => fixture.Server;

    [Fact]
    public async Task AServicePastTheBoundIsRefusedUnsavedAndADeleteFreesAPlace()
    {
        var org = Unique.Org();
        using var admin = await Server.ClientAsync("boss", org, null, "admin");
        var room = StateRoom.Tenant(org, "t1");
        var kept = new List<string>();
        for (var i = 0; i < MaxKeys - 1; i++)
        {
            kept.Add(await admin.CreateServiceAsync($"Service {i}", "t1"));
        }

        var before = await StateAsync(room);
        before.Keys.Should().BeEquivalentTo([.. kept, "summary"], "the room is full");

        var refused = await admin.PostAsync("/api/services", new { name = "One too many", tenantId = "t1" });

        ExpectLimitExceeded(refused, "Tenant 't1' holds at most 3 services and open incidents");
        var listed = (await admin.GetAsync("/api/services")).Json.EnumerateArray().Select(s => s.GetProperty("name").GetString());
        listed.Should().NotContain("One too many", "the refused service was not saved");
        (await StateAsync(room)).Should().BeEquivalentTo(before, "the room's state did not change");

        // Another scope is another room: the organization-wide one still has places.
        await admin.CreateServiceAsync("Org-wide API");

        (await admin.DeleteAsync($"/api/services/{kept[0]}")).Status.Should().Be(HttpStatusCode.NoContent);
        var freed = await admin.CreateServiceAsync("Fits again", "t1");
        (await StateAsync(room)).Keys.Should().HaveCount(MaxKeys).And.Contain(freed);
    }

    [Fact]
    public async Task AnIncidentOpenedAtTheBoundIsRefusedWithoutMovingItsServices()
    {
        var org = Unique.Org();
        using var member = await Server.ClientAsync("m1", org, "t1", "member");
        var room = StateRoom.Tenant(org, "t1");
        var services = new List<string>();
        for (var i = 0; i < MaxKeys - 1; i++)
        {
            services.Add(await member.CreateServiceAsync($"Service {i}", "t1"));
        }

        var before = await StateAsync(room);

        var refused = await member.PostAsync("/api/incidents", new
        {
            name = "Database down",
            message = "Investigating.",
            serviceStatuses = new Dictionary<string, string> { [services[0]] = "major_outage" },
        });

        ExpectLimitExceeded(refused, "Tenant 't1' holds at most 3 services and open incidents");
        (await member.GetAsync("/api/incidents")).Json.GetArrayLength().Should().Be(0, "the refused incident was not saved");
        (await member.GetAsync($"/api/services/{services[0]}")).Json.GetProperty("status").GetString()
            .Should().Be("operational", "a refused incident moves no service");
        (await StateAsync(room)).Should().BeEquivalentTo(before, "the room's state did not change");

        // A resolved incident is never in the state, so it needs no place.
        var resolved = await member.PostAsync("/api/incidents", new { name = "Already over", status = "resolved" });
        resolved.Status.Should().Be(HttpStatusCode.Created, resolved.Text);
    }

    [Fact]
    public async Task ReopeningAnIncidentNeedsAPlaceAsOpeningOneDoes()
    {
        var org = Unique.Org();
        using var admin = await Server.ClientAsync("boss", org, null, "admin");
        var room = StateRoom.Tenant(org, "t1");
        var first = await admin.CreateServiceAsync("Service 0", "t1");
        var opened = await admin.PostAsync("/api/incidents", new { name = "Slow", tenantId = "t1" });
        opened.Status.Should().Be(HttpStatusCode.Created, opened.Text);
        var incident = opened.Json.GetProperty("id").GetString()!;
        (await admin.PatchAsync($"/api/incidents/{incident}", new { status = "resolved" })).Status.Should().Be(HttpStatusCode.OK);
        await admin.CreateServiceAsync("Service 1", "t1");
        await admin.CreateServiceAsync("Service 2", "t1");
        var before = await StateAsync(room);
        before.Should().HaveCount(MaxKeys).And.NotContainKey(incident);

        ExpectLimitExceeded(await admin.PatchAsync($"/api/incidents/{incident}", new { status = "investigating" }), "at most 3");
        ExpectLimitExceeded(
            await admin.PostAsync($"/api/incidents/{incident}/updates", new { status = "identified", body = "It is back." }), "at most 3");
        var stored = (await admin.GetAsync($"/api/incidents/{incident}")).Json;
        stored.GetProperty("status").GetString().Should().Be("resolved", "neither reopening was saved");
        stored.GetProperty("updates").GetArrayLength().Should().Be(0);
        (await StateAsync(room)).Should().BeEquivalentTo(before, "the room's state did not change");

        (await admin.DeleteAsync($"/api/services/{first}")).Status.Should().Be(HttpStatusCode.NoContent);
        var reopened = await admin.PatchAsync($"/api/incidents/{incident}", new { status = "investigating" });
        reopened.Status.Should().Be(HttpStatusCode.OK, reopened.Text);
        (await StateAsync(room)).Should().ContainKey(incident);
    }

    [Fact]
    public async Task OfConcurrentCreatesForTheLastPlaceExactlyOneIsSaved()
    {
        var org = Unique.Org();
        using var admin = await Server.ClientAsync("boss", org, null, "admin");
        for (var i = 0; i < MaxKeys - 2; i++)
        {
            await admin.CreateServiceAsync($"Service {i}", "t1");
        }

        // The check and the save happen inside one organization gate, so only one of these sees the free place.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => admin.PostAsync("/api/services", new { name = $"Racer {i}", tenantId = "t1" })));

        responses.Select(r => r.Status).Should().ContainSingle(s => s == HttpStatusCode.Created)
            .And.AllSatisfy(s => s.Should().BeOneOf(HttpStatusCode.Created, HttpStatusCode.Conflict));
        (await admin.GetAsync("/api/services")).Json.GetArrayLength().Should().Be(MaxKeys - 1);
        (await StateAsync(StateRoom.Tenant(org, "t1"))).Should().HaveCount(MaxKeys);
    }

    private static void ExpectLimitExceeded(ApiResponse response, string sentence)
    {
        response.Status.Should().Be(HttpStatusCode.Conflict, response.Text);
        response.ContentType.Should().Be("application/problem+json");
        response.Json.GetProperty("detail").GetString().Should().StartWith("limit-exceeded: ").And.Contain(sentence);
    }

    /// <summary>The room's state as JSON text per key, so two reads compare by value.</summary>
    private async Task<Dictionary<string, string>> StateAsync(StateRoom room)
    {
        var values = await Server.Services.GetRequiredService<ITenantState>().GetAsync(room);
        return values.ToDictionary(e => e.Key, e => JsonSerializer.Serialize(e.Value));
    }

    /// <summary>One empty host whose rooms hold <see cref="MaxKeys"/> state keys, shared by this class's tests (each uses its own organization).</summary>
    public sealed class SmallRoomsFixture : IAsyncLifetime
    {
        public SampleHostServer Server { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Server = await SampleHostServer.StartAsync(seedDemoData: false, $"--TenantRealtime:MaxStateKeysPerRoom={MaxKeys}");

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}

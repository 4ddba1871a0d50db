using System.Net;
using System.Text.Json;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Api;

/// <summary>An incident from first report to resolution, and what it does to services and the summary.</summary>
[Collection(SampleHostCollection.Name)]
public sealed class IncidentLifecycleTests(SampleHostFixture fixture)
{
    [Fact]
    public async Task IncidentMovesServicesAndSummaryUntilResolvedThenServicesRecover()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var admin = await world.ClientAsync("admin");
        var api = world.Services["org-wide"];
        var web = await admin.CreateServiceAsync("Website");

        var created = await admin.PostAsync("/api/incidents", new
        {
            name = "API down",
            message = "We are investigating.",
            serviceStatuses = new Dictionary<string, string> { [api] = "major_outage" },
        });
        created.Status.Should().Be(HttpStatusCode.Created, created.Text);
        var incident = created.Json;
        var id = incident.GetProperty("id").GetString();
        created.Location!.ToString().Should().Be($"/api/incidents/{id}");
        incident.GetProperty("status").GetString().Should().Be("investigating");
        incident.GetProperty("impact").GetString().Should().Be("critical", "derived from a major outage");
        incident.GetProperty("updates").GetArrayLength().Should().Be(1);
        incident.GetProperty("updates")[0].GetProperty("body").GetString().Should().Be("We are investigating.");
        incident.GetProperty("resolvedAt").ValueKind.Should().Be(JsonValueKind.Null);
        await ExpectServiceAsync(admin, api, "major_outage");
        await ExpectSummaryAsync(admin, "critical", "Major System Outage", openIncidents: 1);

        var identified = await admin.PostAsync($"/api/incidents/{id}/updates", new
        {
            status = "identified",
            body = "Found it.",
            serviceStatuses = new Dictionary<string, string> { [api] = "partial_outage", [web] = "degraded_performance" },
        });
        identified.Status.Should().Be(HttpStatusCode.Created, identified.Text);
        identified.Json.GetProperty("affectedServiceIds").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo([api, web]);
        await ExpectServiceAsync(admin, web, "degraded_performance");
        await ExpectSummaryAsync(admin, "critical", "Major System Outage", openIncidents: 1);

        var monitoring = await admin.PostAsync($"/api/incidents/{id}/updates", new { status = "monitoring", body = "Fix deployed." });
        monitoring.Json.GetProperty("monitoringAt").ValueKind.Should().Be(JsonValueKind.String);

        var resolved = await admin.PostAsync($"/api/incidents/{id}/updates", new
        {
            status = "resolved",
            body = "All good, except the website which stays degraded.",
            serviceStatuses = new Dictionary<string, string> { [web] = "partial_outage" },
        });
        resolved.Status.Should().Be(HttpStatusCode.Created);
        resolved.Json.GetProperty("status").GetString().Should().Be("resolved");
        resolved.Json.GetProperty("resolvedAt").ValueKind.Should().Be(JsonValueKind.String);
        resolved.Json.GetProperty("updates").GetArrayLength().Should().Be(4);
        await ExpectServiceAsync(admin, api, "operational");
        await ExpectServiceAsync(admin, web, "partial_outage");
        await ExpectSummaryAsync(admin, "major", "Partial System Outage", openIncidents: 0);

        (await admin.GetAsync("/api/incidents?state=unresolved")).Json.GetArrayLength().Should().Be(0);
        (await admin.GetAsync("/api/incidents?state=resolved")).Json.GetArrayLength().Should().Be(1);
        (await admin.GetAsync("/api/incidents")).Json.GetArrayLength().Should().Be(1);
        (await admin.GetAsync("/api/incidents?state=open")).Status.Should().Be(HttpStatusCode.BadRequest);

        (await admin.DeleteAsync($"/api/incidents/{id}")).Status.Should().Be(HttpStatusCode.NoContent);
        (await admin.GetAsync($"/api/incidents/{id}")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GivenImpactWinsAndAnOpenIncidentRaisesTheSummary()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var admin = await world.ClientAsync("admin");

        var created = await admin.PostAsync("/api/incidents", new { name = "Slow logins", impact = "major" });
        created.Json.GetProperty("impact").GetString().Should().Be("major");
        created.Json.GetProperty("updates").GetArrayLength().Should().Be(0, "no message, no first update");
        await ExpectSummaryAsync(admin, "major", "Partial System Outage", openIncidents: 1);

        var id = created.Json.GetProperty("id").GetString();
        var patched = await admin.PatchAsync($"/api/incidents/{id}", new { status = "resolved" });
        patched.Status.Should().Be(HttpStatusCode.OK);
        await ExpectSummaryAsync(admin, "none", "All Systems Operational", openIncidents: 0);
    }

    [Fact]
    public async Task MaintenanceRanksBetweenNoneAndMinor()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var admin = await world.ClientAsync("admin");
        await admin.PatchAsync($"/api/services/{world.Services["org-wide"]}", new { status = "under_maintenance" });
        await ExpectSummaryAsync(admin, "maintenance", "Service Under Maintenance", openIncidents: 0);

        await admin.PatchAsync($"/api/services/{world.Services["tenant-1"]}", new { status = "degraded_performance" });
        await ExpectSummaryAsync(admin, "minor", "Partially Degraded Service", openIncidents: 0);
    }

    [Fact]
    public async Task NamedServicesMustBeReadableAndWritableByTheCaller()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var member = await world.ClientAsync("member-t1");

        var response = await member.PostAsync("/api/incidents", new
        {
            name = "Mixed",
            serviceStatuses = new Dictionary<string, string>
            {
                [world.Services["org-wide"]] = "major_outage",
                [world.Services["tenant-2"]] = "major_outage",
                [world.Services["foreign"]] = "major_outage",
            },
        });
        response.Status.Should().Be(HttpStatusCode.BadRequest);
        var errors = response.Json.GetProperty("errors");
        errors.TryGetProperty($"serviceStatuses.{world.Services["org-wide"]}", out _).Should().BeTrue();
        errors.TryGetProperty($"serviceStatuses.{world.Services["tenant-2"]}", out _).Should().BeTrue();
        errors.TryGetProperty($"serviceStatuses.{world.Services["foreign"]}", out _).Should().BeTrue();

        var own = await member.PostAsync("/api/incidents", new
        {
            name = "Own",
            serviceStatuses = new Dictionary<string, string> { [world.Services["tenant-1"]] = "partial_outage" },
        });
        own.Status.Should().Be(HttpStatusCode.Created, own.Text);
        own.Json.GetProperty("tenantId").GetString().Should().Be("t1");
    }

    [Fact]
    public async Task TenantIdCannotChangeAfterCreation()
    {
        var world = await World.CreateAsync(fixture.Server);
        using var admin = await world.ClientAsync("admin");
        var incident = (await admin.PostAsync("/api/incidents", new { name = "X", tenantId = "t1" })).Json.GetProperty("id").GetString();

        var response = await admin.PatchAsync($"/api/incidents/{incident}", new { tenantId = "t2" });
        response.Status.Should().Be(HttpStatusCode.BadRequest);
        response.Json.GetProperty("errors").TryGetProperty("tenantId", out _).Should().BeTrue();
        (await admin.PutAsync($"/api/services/{world.Services["tenant-1"]}", new { name = "Moved", tenantId = "t2" }))
            .Status.Should().Be(HttpStatusCode.BadRequest);
    }

    private static async Task ExpectServiceAsync(ApiClient client, string id, string status) =>
        (await client.GetAsync($"/api/services/{id}")).Json.GetProperty("status").GetString().Should().Be(status);

    private static async Task ExpectSummaryAsync(ApiClient client, string indicator, string description, int openIncidents)
    {
        var status = (await client.GetAsync("/api/status")).Json;
        status.GetProperty("indicator").GetString().Should().Be(indicator);
        status.GetProperty("description").GetString().Should().Be(description);
        status.GetProperty("incidents").GetArrayLength().Should().Be(openIncidents);
    }
}

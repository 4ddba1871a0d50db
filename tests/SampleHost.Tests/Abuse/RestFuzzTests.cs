using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SampleHost.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SampleHost.Tests.Abuse;

/// <summary>
/// Thousands of seeded random bodies and query values sent to every REST endpoint of the contract: each is answered
/// 2xx or with a 4xx problem details document, never a 5xx or a stack trace; the host stays up and logs no
/// unhandled exception; and another organization neither sees the fuzzing organization's traffic nor has its
/// own data returned or changed.
/// </summary>
public sealed partial class RestFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 20_261_124;
    private const int RequestsPerEndpoint = 200;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeLogCollector hostLogs = new();
    private SampleHostServer host = null!;

    public async Task InitializeAsync() =>
        host = await SampleHostServer.StartAsync(builder => builder.Logging.AddProvider(new FakeLoggerProvider(hostLogs)));

    public async Task DisposeAsync() => await host.DisposeAsync();

    // A stack frame ("   at Namespace.Type.Method(") or an exception type name.
    [GeneratedRegex(@"\bat [\w.`<>]+\.[\w<>`]+\(|\w+Exception\b")]
    private static partial Regex StackTraceOrExceptionName();

    [Fact]
    public async Task EveryRandomRequestGetsAClearAnswerAndNothingCrossesOrganizations()
    {
        // The fuzzing organization, with services in each scope and an incident; and a foreign organization with a
        // secret that must never appear in an answer to the fuzzer.
        var org = Unique.Org();
        var foreignOrg = Unique.Org();
        var secret = $"secret-{Guid.NewGuid():N}";
        using var admin = await host.ClientAsync("boss", org, null, "admin");
        using var member = await host.ClientAsync("m1", org, "t1", "member");
        using var foreignAdmin = await host.ClientAsync("vboss", foreignOrg, null, "admin");
        string[] serviceIds = [await admin.CreateServiceAsync("API"), await admin.CreateServiceAsync("T1 db", "t1"), await admin.CreateServiceAsync("T2 db", "t2")];
        string[] incidentIds = [await CreateIncidentAsync(admin, "Outage", null), await CreateIncidentAsync(admin, "T1 outage", "t1")];
        string[] foreignServiceIds = [await foreignAdmin.CreateServiceAsync(secret), await foreignAdmin.CreateServiceAsync(secret, "t1")];
        string[] foreignIncidentIds = [await CreateIncidentAsync(foreignAdmin, secret, "t1")];
        var foreignBefore = await ForeignStateAsync(foreignAdmin);

        // Listeners: the foreign organization's member (same tenant id t1) and admin must get nothing; the fuzzing
        // organization's tenant-2 member must get nothing of tenant 1.
        var hubUrl = new Uri(host.BaseAddress, "/hubs/realtime");
        await using var foreignMember = await Eavesdropper.ConnectAsync(hubUrl, await host.TokenAsync("vb1", foreignOrg, "t1", "member"));
        await using var foreignAdminListener = await Eavesdropper.ConnectAsync(hubUrl, await host.TokenAsync("vboss", foreignOrg, null, "admin"));
        await using var otherTenant = await host.ListenAsync("m2", org, "t2", "member");
        await ProveTheEavesdropperHearsEverythingAsync(foreignMember, foreignOrg, "vb1");
        await ProveTheEavesdropperHearsEverythingAsync(foreignAdminListener, foreignOrg, "vboss");

        var requests = new RestFuzzInput(Seed, new RestFuzzInput.Targets(org, foreignOrg, serviceIds, incidentIds, foreignServiceIds, foreignIncidentIds))
            .Generate(RequestsPerEndpoint);
        requests.Count.Should().BeGreaterThanOrEqualTo(2_000);

        var clients = new Dictionary<string, HttpClient>
        {
            ["admin"] = admin.Http,
            ["member"] = member.Http,
            ["anonymous"] = host.Anonymous,
        };
        var problems = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, cancellationToken) =>
        {
            var response = await SendAsync(clients[request.Caller], request, cancellationToken);
            statuses.AddOrUpdate((int)response.Status, 1, (_, n) => n + 1);
            foreach (var problem in Check(request, response, org, secret))
            {
                problems.Add($"{problem} — {request} → {(int)response.Status} {Truncate(response.Text)}");
            }
        });

        output.WriteLine($"{requests.Count} requests; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        problems.Should().BeEmpty("{0} of {1} answers were wrong; the first ones:\n{2}", problems.Count, requests.Count, string.Join("\n", problems.Take(20)));
        statuses.Keys.Should().Contain([200, 201, 202, 400, 403, 404], "the fuzz reached success and every kind of refusal");

        // The host is alive and still serves the fuzzing organization.
        (await host.Anonymous.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.GetAsync("/api/status")).Status.Should().Be(HttpStatusCode.OK);

        // Nothing reached the foreign organization: a marker sent last arrives alone (events to a connection keep
        // their order, so anything the fuzz had sent would have arrived before it).
        foreach (var (listener, user) in new[] { (foreignMember, "vb1"), (foreignAdminListener, "vboss") })
        {
            var marker = await host.SendSentinelAsync(foreignOrg, user);
            await listener.WaitForSentinelAsync(marker, Timeout);
            listener.State.Should().Be(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);
        }

        foreignMember.UnexpectedEvents.Should().ContainSingle("only the canary sent before the fuzz").Which.Should().Contain("canary");
        foreignAdminListener.UnexpectedEvents.Should().ContainSingle("only the canary sent before the fuzz").Which.Should().Contain("canary");
        foreignMember.PresenceOrganizations.Concat(foreignAdminListener.PresenceOrganizations).Should().OnlyContain(o => o == foreignOrg, "presence of the fuzzing organization never reaches another");

        // The other tenant saw only org-wide and its own tenant's changes.
        var otherTenantMarker = await host.SendSentinelAsync(org, "m2");
        await otherTenant.WaitForSentinelAsync(otherTenantMarker);
        otherTenant.Received.Where(e => e.Name != "sentinel" && e.Data.ValueKind == JsonValueKind.Object)
            .Where(e => e.Data.TryGetProperty("tenantId", out var tenant) && tenant.ValueKind == JsonValueKind.String && tenant.GetString() != "t2")
            .Should().BeEmpty("a tenant-2 member must not receive tenant 1's changes");
        otherTenant.Received.Select(e => e.Envelope)
            .Where(e => e.TryGetProperty("organizationId", out var o) && o.GetString() != org)
            .Should().BeEmpty();

        // The foreign organization's data is as it was.
        (await ForeignStateAsync(foreignAdmin)).Should().Be(foreignBefore);

        // And the host logged no unhandled exception (nor anything at Error) while answering.
        hostLogs.GetSnapshot()
            .Where(r => r.Level >= LogLevel.Error || r.Exception is not null)
            .Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception?.GetType().Name}")
            .Should().BeEmpty();
    }

    /// <summary>The problems with one answer; empty when it is fine.</summary>
    private static IEnumerable<string> Check(FuzzRequest request, ApiResponse response, string org, string secret)
    {
        var status = (int)response.Status;
        if (status is < 200 or >= 500 or (>= 300 and < 400))
        {
            yield return $"status {status}";
        }

        if (StackTraceOrExceptionName().IsMatch(response.Text))
        {
            yield return "stack trace or exception name in the body";
        }

        if (response.Text.Contains(secret, StringComparison.Ordinal))
        {
            yield return "the foreign organization's data in the body";
        }

        if (status >= 400)
        {
            if (response.ContentType != "application/problem+json")
            {
                yield return $"content type {response.ContentType ?? "(none)"} instead of application/problem+json";
                yield break;
            }

            JsonElement problem;
            try
            {
                problem = JsonDocument.Parse(response.Text).RootElement;
            }
            catch (JsonException)
            {
                problem = default;
            }

            if (problem.ValueKind != JsonValueKind.Object ||
                !problem.TryGetProperty("status", out var problemStatus) || problemStatus.ValueKind != JsonValueKind.Number || problemStatus.GetInt32() != status ||
                !problem.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String)
            {
                yield return "not a problem details document with status and title";
            }
        }
        else if (response.Text.Length > 0 && request.Path != "/api/dev/token")
        {
            // Every organization named in a success is the caller's.
            var foreign = OrganizationIds(JsonDocument.Parse(response.Text).RootElement).Where(o => o != org).Distinct().ToList();
            if (foreign.Count > 0)
            {
                yield return $"organizations {string.Join(", ", foreign)} in a success";
            }
        }
    }

    private static IEnumerable<string?> OrganizationIds(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "organizationId" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()] : OrganizationIds(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(OrganizationIds),
        _ => [],
    };

    private static async Task<ApiResponse> SendAsync(HttpClient client, FuzzRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
            }
        }

        return await ApiResponse.ReadAsync(await client.SendAsync(message, cancellationToken));
    }

    /// <summary>
    /// Sends an event the eavesdropper has no handler for, then a sentinel: the canary must be reported, or the
    /// "received nothing" check would prove nothing.
    /// </summary>
    private async Task ProveTheEavesdropperHearsEverythingAsync(Eavesdropper listener, string organizationId, string userId)
    {
        using var operator_ = await host.ClientAsync("operator", "platform-ops", null, "platform-admin");
        var canary = await operator_.PostAsync("/api/websocket/broadcast", new { scope = "user", organizationId, userId, @event = "canary", type = "probe" });
        canary.Status.Should().Be(HttpStatusCode.Accepted, canary.Text);
        var marker = await host.SendSentinelAsync(organizationId, userId);
        await listener.WaitForSentinelAsync(marker, Timeout);
        listener.UnexpectedEvents.Should().ContainSingle().Which.Should().Contain("canary");
    }

    private static async Task<string> CreateIncidentAsync(ApiClient client, string name, string? tenantId)
    {
        object body = tenantId is null ? new { name, message = "Looking." } : new { name, message = "Looking.", tenantId };
        var response = await client.PostAsync("/api/incidents", body);
        response.Status.Should().Be(HttpStatusCode.Created, response.Text);
        return response.Json.GetProperty("id").GetString()!;
    }

    private static async Task<string> ForeignStateAsync(ApiClient foreignAdmin)
    {
        var services = await foreignAdmin.GetAsync("/api/services");
        var incidents = await foreignAdmin.GetAsync("/api/incidents");
        return services.Text + incidents.Text;
    }

    private static string Truncate(string text) => text.Length > 400 ? text[..400] + "…" : text;
}

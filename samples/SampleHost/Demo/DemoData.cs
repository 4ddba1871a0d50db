using SampleHost.Incidents;
using SampleHost.Services;
using SampleHost.Status;
using SampleHost.Storage;

namespace SampleHost.Demo;

/// <summary>
/// Two organizations with org-wide and tenant services and one open incident, so the page is alive on first run.
/// Both organizations have a service "api" and a tenant "tenant-1": the isolation is visible, not assumed.
/// </summary>
internal sealed class DemoData(OrganizationStore<Service> services, OrganizationStore<Incident> incidents, StatusTracker status, TimeProvider time)
{
    public const string Acme = "org-a";
    public const string Globex = "org-b";

    public void Seed()
    {
        var now = time.GetUtcNow();
        var s = (string org, string? tenant, string id, string name, string group, int position, ServiceStatus status, string description) =>
            services.Save(new Service(id, org, tenant, name, description, group, position, status, now - TimeSpan.FromMinutes(position + 5)));

        s(Acme, null, "api", "Public API", "Core Platform", 0, ServiceStatus.DegradedPerformance, "REST and GraphQL endpoints");
        s(Acme, null, "web", "Website", "Core Platform", 1, ServiceStatus.Operational, "Marketing site and docs");
        s(Acme, null, "auth", "Authentication", "Core Platform", 2, ServiceStatus.Operational, "Sign-in, SSO and API keys");
        s(Acme, null, "cdn", "CDN", "Delivery", 0, ServiceStatus.Operational, "Static assets in 40 regions");
        s(Acme, null, "webhooks", "Webhooks", "Delivery", 1, ServiceStatus.Operational, "Outgoing event delivery");
        s(Acme, "tenant-1", "t1-db", "Dedicated Database", "Tenant 1 · Dedicated", 0, ServiceStatus.Operational, "Primary PostgreSQL cluster");
        s(Acme, "tenant-1", "t1-workers", "Background Workers", "Tenant 1 · Dedicated", 1, ServiceStatus.Operational, "Exports and scheduled jobs");
        s(Acme, "tenant-2", "t2-db", "Dedicated Database", "Tenant 2 · Dedicated", 0, ServiceStatus.Operational, "Primary PostgreSQL cluster");
        s(Acme, "tenant-2", "t2-search", "Search Cluster", "Tenant 2 · Dedicated", 1, ServiceStatus.UnderMaintenance, "Re-indexing to a new version");
        s(Globex, null, "api", "Public API", "Platform", 0, ServiceStatus.Operational, "REST endpoints");
        s(Globex, null, "dashboard", "Dashboard", "Platform", 1, ServiceStatus.Operational, "Customer web app");
        s(Globex, "tenant-1", "t1-db", "Dedicated Database", "Tenant 1 · Dedicated", 0, ServiceStatus.Operational, "Primary MySQL cluster");

        var opened = now - TimeSpan.FromMinutes(42);
        var identified = now - TimeSpan.FromMinutes(18);
        incidents.Save(new Incident(
            "inc-api-latency", Acme, null, "Elevated API latency", IncidentStatus.Identified, IncidentImpact.Minor, ["api"],
            opened, identified, null, null,
            [
                new IncidentUpdate("upd-1", IncidentStatus.Investigating,
                    "We are investigating elevated response times on the Public API in the EU regions.",
                    new Dictionary<string, ServiceStatus>(StringComparer.Ordinal) { ["api"] = ServiceStatus.DegradedPerformance }, opened),
                new IncidentUpdate("upd-2", IncidentStatus.Identified,
                    "A saturated connection pool on one database shard is the cause. A configuration fix is rolling out.", null, identified),
            ]));

        // Remember the seeded summaries, so the first real change is compared against them (nobody is connected yet).
        status.Refresh(Acme, [null, "tenant-1", "tenant-2"]);
        status.Refresh(Globex, [null, "tenant-1"]);
    }
}

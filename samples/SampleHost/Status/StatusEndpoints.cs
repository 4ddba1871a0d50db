using SampleHost.Auth;
using SampleHost.Incidents;
using SampleHost.Services;
using SampleHost.Storage;

namespace SampleHost.Status;

internal static class StatusEndpoints
{
    public static void MapStatusEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/status", (Caller caller, OrganizationStore<Service> services, OrganizationStore<Incident> incidents, TimeProvider time) =>
                TypedResults.Ok(StatusView.For(caller, services, incidents, time)))
            .WithTags("Status")
            .WithSummary("The caller's status summary: indicator, description, services and unresolved incidents.");

        // An admin's page reads each tenant's state room by name (the library sends an admin only the rooms it holds
        // at connect), so it asks which tenants there are; the organization's room must not list them, members read it.
        api.MapGet("/status/tenants", (Caller caller, OrganizationStore<Service> services, OrganizationStore<Incident> incidents) =>
                TypedResults.Ok(TenantsOf(caller, services, incidents)))
            .WithTags("Status")
            .WithSummary("The tenants of the caller's organization with services or open incidents it may read.");
    }

    private static List<string> TenantsOf(Caller caller, OrganizationStore<Service> services, OrganizationStore<Incident> incidents) =>
        [.. services.List(caller.OrganizationId).Select(s => s.TenantId)
            .Concat(incidents.List(caller.OrganizationId).Where(i => i.IsOpen).Select(i => i.TenantId))
            .OfType<string>()
            .Where(t => caller.CanRead(caller.OrganizationId, t))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
}

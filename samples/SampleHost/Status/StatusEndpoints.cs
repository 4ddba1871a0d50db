using SampleHost.Auth;
using SampleHost.Incidents;
using SampleHost.Services;
using SampleHost.Storage;

namespace SampleHost.Status;

internal static class StatusEndpoints
{
    public static void MapStatusEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/status", (Caller caller, OrganizationStore<Service> services, OrganizationStore<Incident> incidents, TimeProvider time) =>
                TypedResults.Ok(StatusView.For(caller, services, incidents, time)))
            .WithTags("Status")
            .WithSummary("The caller's status summary: indicator, description, services and unresolved incidents.");
}

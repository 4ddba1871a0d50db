using SampleHost.Incidents;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary>
/// The topic of one incident, <c>incident:{id}</c>: in its tenant, or in its organization for an organization-wide
/// incident. The page's incident view subscribes to it for the incident's updates and to see who else has it open.
/// </summary>
internal static class IncidentTopic
{
    /// <summary>The prefix of incident topics; the host tracks their presence (<see cref="TopicPrefixOptions.EnablePresence"/>).</summary>
    public const string Prefix = "incident:";

    /// <summary>The incident's topic; its id is valid in a topic name (<see cref="SampleHost.Api.IdRules"/>).</summary>
    public static Topic Of(Incident incident) => incident.TenantId is null
        ? Topic.InOrganization(incident.OrganizationId, Prefix + incident.Id)
        : Topic.InTenant(incident.OrganizationId, incident.TenantId, Prefix + incident.Id);
}

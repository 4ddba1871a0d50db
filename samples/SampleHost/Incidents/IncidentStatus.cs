using System.Text.Json.Serialization;

namespace SampleHost.Incidents;

/// <summary>An incident's progress, as Statuspage names it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentStatus>))]
internal enum IncidentStatus
{
    [JsonStringEnumMemberName("investigating")]
    Investigating,

    [JsonStringEnumMemberName("identified")]
    Identified,

    [JsonStringEnumMemberName("monitoring")]
    Monitoring,

    [JsonStringEnumMemberName("resolved")]
    Resolved,
}

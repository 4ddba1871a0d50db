using System.Text.Json.Serialization;

namespace SampleHost.Incidents;

/// <summary>How bad an incident is; an unresolved incident raises its scope's indicator to at least this.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentImpact>))]
internal enum IncidentImpact
{
    [JsonStringEnumMemberName("none")]
    None,

    [JsonStringEnumMemberName("minor")]
    Minor,

    [JsonStringEnumMemberName("major")]
    Major,

    [JsonStringEnumMemberName("critical")]
    Critical,
}

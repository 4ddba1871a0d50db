using System.Text.Json.Serialization;

namespace SampleHost.Services;

/// <summary>A service's status, spelled as Statuspage spells it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServiceStatus>))]
internal enum ServiceStatus
{
    [JsonStringEnumMemberName("operational")]
    Operational,

    [JsonStringEnumMemberName("degraded_performance")]
    DegradedPerformance,

    [JsonStringEnumMemberName("partial_outage")]
    PartialOutage,

    [JsonStringEnumMemberName("major_outage")]
    MajorOutage,

    [JsonStringEnumMemberName("under_maintenance")]
    UnderMaintenance,
}

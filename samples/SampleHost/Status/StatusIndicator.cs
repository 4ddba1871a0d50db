using System.Text.Json.Serialization;

namespace SampleHost.Status;

/// <summary>The overall indicator, declared from best to worst so comparing values ranks them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StatusIndicator>))]
internal enum StatusIndicator
{
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>Ranked between none and minor: planned work is not an outage.</summary>
    [JsonStringEnumMemberName("maintenance")]
    Maintenance,

    [JsonStringEnumMemberName("minor")]
    Minor,

    [JsonStringEnumMemberName("major")]
    Major,

    [JsonStringEnumMemberName("critical")]
    Critical,
}

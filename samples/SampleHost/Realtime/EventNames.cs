namespace SampleHost.Realtime;

/// <summary>
/// The host's broadcast event names: things that happened. Services, open incidents and summaries are keyed state
/// (<see cref="StatePublisher"/>), not events.
/// </summary>
internal static class EventNames
{
    public const string IncidentUpdate = "incident-update";
    public const string TenantUpdate = "tenant-update";
}

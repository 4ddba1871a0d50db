namespace SampleHost.Realtime;

/// <summary>The server-to-client event names of the wire contract.</summary>
internal static class EventNames
{
    public const string ServiceUpdate = "service-update";
    public const string IncidentUpdate = "incident-update";
    public const string StatusUpdate = "status-update";
}

using System.Diagnostics;

namespace TenantRealtime.Diagnostics;

/// <summary>The one <see cref="ActivitySource"/> of the library: spans around broadcasts and connection set-up.</summary>
internal static class TenantRealtimeActivitySource
{
    public const string Name = "TenantRealtime";

    private static readonly ActivitySource Source = new(Name);

    public static Activity? StartBroadcast(string scope, string eventName)
    {
        var activity = Source.StartActivity("TenantRealtime.Broadcast", ActivityKind.Producer);
        activity?.SetTag("tenantrealtime.scope", scope);
        activity?.SetTag("tenantrealtime.event", eventName);
        return activity;
    }

    public static Activity? StartConnect() => Source.StartActivity("TenantRealtime.Connect", ActivityKind.Internal);

    public static void Fail(this Activity? activity, string code)
    {
        activity?.SetStatus(ActivityStatusCode.Error, code);
        activity?.SetTag("tenantrealtime.reason", code);
    }
}

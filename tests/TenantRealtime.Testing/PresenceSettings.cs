namespace TenantRealtime.Testing;

/// <summary>
/// Presence as the presence suites run it: on, with a debounce window short enough for a test to wait out and long
/// enough for a client to reconnect within on a busy machine, a rate bound no suite reaches but the one about it, and a
/// list bound of five users, so one test can go over it with a handful of connections. Topics named with
/// <see cref="TopicPrefix"/> track presence too.
/// </summary>
public static class PresenceSettings
{
    public static readonly TimeSpan Debounce = TimeSpan.FromSeconds(2.5);

    public const int MaxListSize = 5;

    public const string DisplayNameClaim = "name";

    /// <summary>The prefix of the topics that track who is subscribed.</summary>
    public const string TopicPrefix = "viewing:";

    public static void Apply(TenantRealtimeOptions options)
    {
        options.EnablePresence = true;
        options.PresenceDebounce = Debounce;
        options.PresenceEventsPerSecond = 1_000;
        options.MaxPresenceListSize = MaxListSize;
        options.PresenceDisplayNameClaimType = DisplayNameClaim;
        options.TopicPrefixes[TopicPrefix] = new TopicPrefixOptions { EnablePresence = true };
    }
}

/// <summary>
/// A setup whose servers scale out, able to start one more server as a process of its own that a test can kill (SIGKILL:
/// no graceful stop), on the same Redis and with presence as <see cref="PresenceSettings"/> has it.
/// </summary>
public interface IProcessServers
{
    Task<TestHostChild> StartProcessServerAsync();

    /// <summary>How long after its last heartbeat a dead server stops counting (the servers' ServerTimeout).</summary>
    TimeSpan ServerTimeout { get; }
}

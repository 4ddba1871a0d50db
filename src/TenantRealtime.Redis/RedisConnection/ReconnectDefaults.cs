using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// Reconnect settings for the multiplexer the package creates, so broadcasts are numbered again within a second
/// of Redis returning. StackExchange.Redis checks a lost connection only on its heartbeat (every second) and then
/// waits a back-off that starts at half the connect timeout (2.5 s) and grows towards 10 s: a restarted Redis can
/// go unnoticed for several seconds while broadcasts pile up in the outbox.
/// </summary>
internal static class ReconnectDefaults
{
    /// <summary>How often the multiplexer checks its connections (StackExchange.Redis: 1 s).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The shortest wait between two connect attempts; also how long an attempt may take before it is abandoned.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts, reached after about fifteen failed ones.</summary>
    public static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sets the heartbeat and the retry policy on <paramref name="configuration"/> (the package's own copy), each
    /// only where it is still StackExchange.Redis's default: what the app chose is kept.
    /// </summary>
    public static void ApplyTo(ConfigurationOptions configuration)
    {
        if (configuration.HeartbeatInterval == configuration.Defaults.HeartbeatInterval)
        {
            configuration.HeartbeatInterval = HeartbeatInterval;
        }

        if (!HasRetryPolicy(configuration))
        {
            // Exponential, so an attempt that takes longer than FirstRetry (a slow network, a TLS handshake) is
            // given more time on each try instead of being abandoned forever; capped, so a long outage still ends
            // within about a second of Redis returning.
            configuration.ReconnectRetryPolicy = new ExponentialRetry((int)FirstRetry.TotalMilliseconds, (int)LongestRetry.TotalMilliseconds);
        }
    }

    /// <summary>
    /// Whether a retry policy was set (by the app, or by the endpoint's options provider). An unset one is created
    /// anew by each options object that reads it, while a set one is copied by <see cref="ConfigurationOptions.Clone"/>
    /// and so is the same object in every copy.
    /// </summary>
    private static bool HasRetryPolicy(ConfigurationOptions configuration) =>
        ReferenceEquals(configuration.Clone().ReconnectRetryPolicy, configuration.Clone().ReconnectRetryPolicy);
}

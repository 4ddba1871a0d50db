namespace TenantRealtime.State.Internal;

/// <summary>The bounds of a state key's time-to-live (<see cref="ITenantState.SetAsync(StateRoom, string, object?, TimeSpan, CancellationToken)"/>).</summary>
internal static class StateTimeToLive
{
    /// <summary>The shortest time-to-live: expiry is swept on a timer, so a shorter one would be mostly the sweep's delay.</summary>
    public static readonly TimeSpan Min = TimeSpan.FromSeconds(1);

    /// <summary>The longest time-to-live: longer-lived state is removed by the app.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    /// <summary>
    /// When a key set now with <paramref name="timeToLive"/> ends, as a <see cref="TimeProvider.GetTimestamp"/>: the clock
    /// starts at the app's call, not when a merged change goes out.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is outside [<see cref="Min"/>, <see cref="Max"/>].</exception>
    public static long DueAt(TimeProvider time, TimeSpan timeToLive)
    {
        ThrowIfOutOfRange(timeToLive);
        return time.GetTimestamp() + (long)(timeToLive.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="timeToLive"/> is within [<see cref="Min"/>, <see cref="Max"/>].</summary>
    private static void ThrowIfOutOfRange(TimeSpan timeToLive)
    {
        if (timeToLive < Min || timeToLive > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive,
                $"A state key's time-to-live must be between {Min.TotalSeconds:0} second and {Max.TotalDays:0} days; it was {timeToLive}.");
        }
    }
}

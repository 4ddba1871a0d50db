namespace TenantRealtime.Delivery;

/// <summary>
/// Told when a group of the tenant hub gets its first member on this server and when it loses its last, so a
/// scale-out listens only to what this server's connections are in. One server needs nothing
/// (<see cref="NoGroupSubscriptions"/>); the Redis package subscribes to the organization's channel.
/// </summary>
internal interface IGroupSubscriptions
{
    /// <summary>The first connection of this server joined <paramref name="group"/>.</summary>
    void Filled(string group);

    /// <summary>The last connection of this server left <paramref name="group"/>.</summary>
    void Emptied(string group);

    /// <summary>
    /// Completes when this server hears the broadcasts of <paramref name="group"/>, so a connection that has joined it
    /// misses none sent after; bounded, and at once when the scale-out is unreachable (a join never waits on an outage).
    /// </summary>
    Task WhenListeningAsync(string group);
}

/// <summary>The default: one server, nothing to listen to.</summary>
internal sealed class NoGroupSubscriptions : IGroupSubscriptions
{
    public void Filled(string group)
    {
    }

    public void Emptied(string group)
    {
    }

    public Task WhenListeningAsync(string group) => Task.CompletedTask;
}

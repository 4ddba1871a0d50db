namespace TenantRealtime.Delivery;

/// <summary>
/// Carries sends to the hub's connections on other servers. On one server there are none
/// (<see cref="NoRemoteDelivery"/>); the Redis package publishes them to every server, which delivers them to its own
/// connections through their bounded senders.
/// </summary>
internal interface IRemoteDelivery
{
    /// <summary>Gets whether there are other servers to send to.</summary>
    bool IsEnabled { get; }

    /// <summary>Sends to the other servers; returns when it is handed over (bounded: it never waits on a recipient).</summary>
    Task PublishAsync(RemoteSend send, CancellationToken cancellationToken);
}

/// <summary>The default: one server, no one else to send to.</summary>
internal sealed class NoRemoteDelivery : IRemoteDelivery
{
    public bool IsEnabled => false;

    public Task PublishAsync(RemoteSend send, CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Broadcasting.Internal;

/// <summary>
/// Numbers (with recovery) and delivers one broadcast. The default numbers it in this server's history and sends
/// it through SignalR; the Redis package replaces it to number broadcasts in Redis and to keep them in an outbox
/// while Redis is unreachable.
/// </summary>
internal interface IBroadcastSender
{
    /// <summary>Sends <paramref name="broadcast"/> to <paramref name="target"/> and returns the envelope as sent (or queued).</summary>
    ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, OutgoingBroadcast broadcast, CancellationToken cancellationToken);
}

/// <summary>Where a broadcast goes: its room key (the history it belongs to) and the SignalR groups, or everyone.</summary>
/// <param name="Room">The room key carried in the envelope.</param>
/// <param name="Groups">The SignalR groups to send to, or <see langword="null"/> for every connection.</param>
internal readonly record struct BroadcastTarget(string Room, IReadOnlyList<string>? Groups)
{
    /// <summary>The SignalR clients this target names among <paramref name="clients"/>.</summary>
    public IClientProxy In(IHubClients clients) => Groups switch
    {
        null => clients.All,
        [var group] => clients.Group(group),
        var groups => clients.Groups(groups),
    };
}

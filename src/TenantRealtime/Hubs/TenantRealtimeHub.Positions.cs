namespace TenantRealtime.Hubs;

internal sealed partial class TenantRealtimeHub
{
    /// <summary>
    /// The current positions of <paramref name="rooms"/>, in their order, for <c>Authenticate</c> and
    /// <c>JoinOrganization</c>; empty with recovery off. A room whose position cannot be read now (the scale-out is
    /// unreachable) is left out, as <c>Resume</c> answers <c>recovered=false</c> then rather than wait.
    /// </summary>
    /// <remarks>
    /// Each position is read only once this server hears the room's broadcasts (at once in memory; on Redis once it
    /// listens on the organization's channel, bounded as a join is), so every broadcast numbered after it reaches the
    /// connection live. One numbered before it may still arrive live afterwards; clients drop it by its seq.
    /// </remarks>
    private async Task<List<RoomPosition>> PositionsOfAsync(string[] rooms)
    {
        if (!options.CurrentValue.EnableRecovery || rooms.Length == 0)
        {
            return [];
        }

        await Task.WhenAll(rooms.Select(subscriptions.WhenListeningAsync)).ConfigureAwait(false);

        // The connection's token is watched once for all the reads (each is bounded by the history's own wait): a
        // cancellation token keeps, for reuse, as many registration nodes as were ever registered on it at once, so a
        // read per room each watching it would leave ~80 B per room on every connection that subscribed to many topics.
        var reads = rooms.Select(room => history.PositionAsync(room, CancellationToken.None).AsTask()).ToArray();
        var positions = await Task.WhenAll(reads).WaitAsync(Context.ConnectionAborted).ConfigureAwait(false);
        return [.. positions.OfType<RoomPosition>()];
    }
}

namespace TenantRealtime.Delivery;

/// <summary>
/// What waits to be written across this server's connections, for the <c>tenantrealtime.send.backlog</c> gauge:
/// updated only on the queued path, never for a message written at once; and the state changes replaced there.
/// </summary>
internal sealed class SendBacklog
{
    private long _bytes;
    private long _replaced;

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Gets how many queued state changes a newer change of their key replaced, for <c>tenantrealtime.state.replaced</c>.</summary>
    public long ReplacedChanges => Volatile.Read(ref _replaced);

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void Replaced() => Interlocked.Increment(ref _replaced);
}

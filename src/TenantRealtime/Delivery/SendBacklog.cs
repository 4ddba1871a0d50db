namespace TenantRealtime.Delivery;

/// <summary>
/// What waits to be written across this server's connections, for the <c>tenantrealtime.send.backlog</c> gauge:
/// updated only on the queued path, never for a message written at once.
/// </summary>
internal sealed class SendBacklog
{
    private long _bytes;

    public long Bytes => Volatile.Read(ref _bytes);

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
}

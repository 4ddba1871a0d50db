namespace TenantRealtime.Connections.Internal;

/// <summary>
/// This server's recent revocation requests, numbered in order, so that a connection that was still connecting
/// when one was carried out finds it once it is stored. A ring of fixed size, no timer: a request is kept until
/// <see cref="Capacity"/> newer ones overwrite it. Not thread-safe: <see cref="LocalConnectionStore"/>'s lock guards it.
/// </summary>
internal sealed class RevocationLog
{
    /// <summary>
    /// Requests kept. A connection needs those issued while it authenticates and resolves its rooms (milliseconds to
    /// a database round trip); 1,024 covers that even in a storm of per-user revocations, for 24 KB.
    /// </summary>
    public const int Capacity = 1024;

    private readonly RevocationRequest[] _requests = new RevocationRequest[Capacity];

    /// <summary>Gets how many requests were ever recorded: a connection samples it before it authenticates.</summary>
    public long Generation { get; private set; }

    public void Record(RevocationRequest request)
    {
        _requests[Generation % Capacity] = request;
        Generation++;
    }

    /// <summary>
    /// What the requests recorded since <paramref name="generation"/> ask of a connection of <paramref name="identity"/>:
    /// a disconnect (of its user or tenant) before a refresh; null for nothing. When some of them were overwritten
    /// already, it cannot tell, and answers a refresh: the connection authenticates again, so a user whose access the
    /// app withdrew is refused, as a client reconnecting after a disconnect would be.
    /// </summary>
    public RevocationKind? FindSince(long generation, TenantIdentity identity)
    {
        if (Generation - generation > Capacity)
        {
            return RevocationKind.RefreshUserRooms;
        }

        RevocationKind? found = null;
        for (var g = generation; g < Generation; g++)
        {
            var request = _requests[g % Capacity];
            if (request.AppliesTo(identity))
            {
                if (request.Kind != RevocationKind.RefreshUserRooms)
                {
                    return request.Kind;
                }

                found = RevocationKind.RefreshUserRooms;
            }
        }

        return found;
    }
}

namespace TenantRealtime.Testing;

/// <summary>Whether a test <see cref="RedisServer"/> keeps its data across a restart.</summary>
public enum RedisPersistence
{
    /// <summary>No RDB, no AOF: a restart starts empty, as a cache-only Redis would.</summary>
    None,

    /// <summary>
    /// AOF with <c>appendfsync always</c> in the server's temporary directory: every acknowledged write survives a
    /// kill and restart, as in a production Redis configured for recovery.
    /// </summary>
    AppendOnly,
}

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>What a <see cref="WriteLoop"/> writes, and how it tells of its failures: the registry's share, presence.</summary>
internal interface ILoopWriter
{
    /// <summary>
    /// One pass: when <paramref name="heartbeat"/>, the whole share and this server's liveness; otherwise what changed
    /// since the last pass. <paramref name="afterFailure"/> when the pass before failed (Redis may have lost its data).
    /// A Redis failure is thrown; what the pass took must then be kept for the next one.
    /// </summary>
    Task WriteAsync(bool heartbeat, bool afterFailure);

    /// <summary>The earliest of <paramref name="heartbeat"/> and anything of the writer's own that is due sooner.</summary>
    DateTimeOffset NextDue(DateTimeOffset heartbeat);

    /// <summary>The last write of a graceful stop, after the loop has ended; bounded by the caller.</summary>
    Task StopWriteAsync();

    /// <summary>Writes began to fail (logged once until they are restored).</summary>
    void Failing(Exception exception);

    /// <summary>A write succeeded after failures.</summary>
    void Restored();

    /// <summary>The last write of a graceful stop failed or ran out of time.</summary>
    void StopWriteFailed(Exception exception);
}

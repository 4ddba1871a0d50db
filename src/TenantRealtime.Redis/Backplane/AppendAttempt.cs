namespace TenantRealtime.Redis.Backplane;

/// <summary>One attempt to append a broadcast to the history: its id, and whether an earlier attempt may have run.</summary>
/// <param name="Id">The broadcast's id, kept with its entry.</param>
/// <param name="Retry">Whether an earlier attempt was sent (Redis may have run it and lost only the reply).</param>
internal readonly record struct AppendAttempt(string Id, bool Retry);

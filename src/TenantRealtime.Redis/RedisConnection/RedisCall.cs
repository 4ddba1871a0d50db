namespace TenantRealtime.Redis.RedisConnection;

/// <summary>The end of a call made under the <see cref="RedisCallPolicy"/>; each caller turns it into its own outcome.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Task">The call: completed when answered, still running when timed out, none when not tried.</param>
/// <param name="Failure">What a timed-out or failed call is logged with.</param>
internal readonly record struct RedisCall(RedisCallOutcome Outcome, Task? Task, Exception? Failure)
{
    public static readonly RedisCall Down = new(RedisCallOutcome.Down, null, null);

    public bool Answered => Outcome == RedisCallOutcome.Answered;

    /// <summary>The word metrics and logs use for why Redis was not used: <c>disconnected</c>, <c>timeout</c> or <c>failed</c>.</summary>
    public string Reason => Outcome switch
    {
        RedisCallOutcome.Down => "disconnected",
        RedisCallOutcome.TimedOut => "timeout",
        _ => "failed",
    };

    /// <summary>The answer of an answered call.</summary>
    public T Result<T>() => ((Task<T>)Task!).Result;
}

using Microsoft.Extensions.Options;
using TenantRealtime.Identity.Internal;

namespace TenantRealtime.Redis.Configuration;

/// <summary>Checks the options when the app starts, so a bad configuration fails there and not at the first broadcast.</summary>
internal sealed class TenantRealtimeRedisOptionsValidator : IValidateOptions<TenantRealtimeRedisOptions>
{
    public const int MaxPrefixLength = 128;

    public const int MaxOutboxCapacity = 1_000_000;

    public ValidateOptionsResult Validate(string? name, TenantRealtimeRedisOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.ConnectionFactory is null && (options.Configuration is null || options.Configuration.EndPoints.Count == 0))
        {
            builder.AddError(
                "no Redis endpoint: pass a connection string to AddRedis(\"host:6379\"), set Configuration, or set ConnectionFactory.",
                nameof(TenantRealtimeRedisOptions.Configuration));
        }

        if (!TenantIds.IsValid(options.ChannelPrefix, MaxPrefixLength))
        {
            builder.AddError(
                $"must be {Ids.Form(MaxPrefixLength)} (it defaults to the application name).",
                nameof(TenantRealtimeRedisOptions.ChannelPrefix));
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            builder.AddError("must be positive.", nameof(TenantRealtimeRedisOptions.HeartbeatInterval));
        }

        if (options.ServerTimeout < options.HeartbeatInterval * 2)
        {
            // One missed heartbeat (a GC pause, a slow Redis) must not make a live server's connections vanish.
            builder.AddError("must be at least twice HeartbeatInterval.", nameof(TenantRealtimeRedisOptions.ServerTimeout));
        }

        if (options.RedisWaitTimeout < TimeSpan.Zero || options.RedisWaitTimeout > TimeSpan.FromMinutes(1))
        {
            builder.AddError("must be between 0 and 1 minute.", nameof(TenantRealtimeRedisOptions.RedisWaitTimeout));
        }

        if (options.OutboxCapacity is < 1 or > MaxOutboxCapacity)
        {
            builder.AddError($"must be between 1 and {MaxOutboxCapacity}.", nameof(TenantRealtimeRedisOptions.OutboxCapacity));
        }

        if (!Enum.IsDefined(options.OutageMode))
        {
            builder.AddError("must be Buffer or Reject.", nameof(TenantRealtimeRedisOptions.OutageMode));
        }

        return builder.Build();
    }
}

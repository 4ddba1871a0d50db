using Microsoft.Extensions.Logging;

namespace TenantRealtime.Redis.Internal;

/// <summary>Every log line of the Redis package. Event ids start at 1000 (the core uses low numbers) and are never reused: add new ones at the end.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(1000, LogLevel.Information, "Connected to Redis; channels and keys are prefixed with '{ChannelPrefix}'.")]
    public static partial void Connected(ILogger logger, string channelPrefix);

    [LoggerMessage(1001, LogLevel.Warning, "Redis is not reachable at start; the app runs and keeps reconnecting in the background.")]
    public static partial void NotConnectedAtStart(ILogger logger);

    [LoggerMessage(1002, LogLevel.Error, "Lost the Redis connection to {EndPoint} ({FailureType}); broadcasts to other servers are dropped until it returns.")]
    public static partial void ConnectionFailed(ILogger logger, string endPoint, string failureType, Exception? exception);

    [LoggerMessage(1003, LogLevel.Information, "Redis connection to {EndPoint} restored; broadcasts go to other servers again.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(1004, LogLevel.Warning, "Broadcast {Operation} dropped: Redis is not connected.")]
    public static partial void BroadcastDropped(ILogger logger, string operation);

    [LoggerMessage(1005, LogLevel.Warning, "Broadcast {Operation} failed in Redis and was dropped.")]
    public static partial void BroadcastFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Broadcast {Operation} was not confirmed by Redis within {Timeout}; the caller continues and the publish completes in the background.")]
    public static partial void BroadcastDetached(ILogger logger, string operation, TimeSpan timeout);

    [LoggerMessage(1007, LogLevel.Warning, "Could not write this server's connection counts to Redis; retrying on the next heartbeat.")]
    public static partial void RegistryWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(1008, LogLevel.Information, "This server's connection counts are written to Redis again.")]
    public static partial void RegistryWriteRestored(ILogger logger);

    [LoggerMessage(1009, LogLevel.Warning, "Could not remove this server's connection counts from Redis at shutdown; they stop counting after the server timeout.")]
    public static partial void RegistryRemoveFailed(ILogger logger, Exception exception);

    [LoggerMessage(1010, LogLevel.Warning, "Ignored a revocation message from Redis: {Reason}")]
    public static partial void RevocationRejected(ILogger logger, string reason);

    [LoggerMessage(1011, LogLevel.Debug, "Applying revocation {Operation} for organization {OrganizationId} from server {ServerId}.")]
    public static partial void RevocationReceived(ILogger logger, string operation, string organizationId, string serverId);

    [LoggerMessage(1012, LogLevel.Error, "Applying revocation {Operation} for organization {OrganizationId} failed on this server.")]
    public static partial void RevocationFailed(ILogger logger, string operation, string organizationId, Exception exception);

    [LoggerMessage(1013, LogLevel.Warning, "Could not subscribe to the revocation channel; retrying.")]
    public static partial void RevocationSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(1014, LogLevel.Warning, "A background publish of broadcast {Operation} failed in Redis; the message was dropped.")]
    public static partial void DetachedBroadcastFailed(ILogger logger, string operation, Exception exception);
}

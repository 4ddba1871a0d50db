using Microsoft.Extensions.Logging;

namespace TenantRealtime.Redis.Diagnostics;

/// <summary>Every log line of the Redis package. Event ids start at 1000 (the core uses low numbers) and are never reused: add new ones at the end.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(1000, LogLevel.Information, "Connected to Redis; channels and keys are prefixed with '{ChannelPrefix}'.")]
    public static partial void Connected(ILogger logger, string channelPrefix);

    [LoggerMessage(1001, LogLevel.Warning, "Redis is not reachable at start; the app runs and keeps reconnecting in the background.")]
    public static partial void NotConnectedAtStart(ILogger logger);

    [LoggerMessage(1002, LogLevel.Error, "Lost the Redis connection to {EndPoint} ({FailureType}); broadcasts wait in the outbox until it returns.")]
    public static partial void ConnectionFailed(ILogger logger, string endPoint, string failureType, Exception? exception);

    [LoggerMessage(1003, LogLevel.Information, "Redis connection to {EndPoint} restored; broadcasts go to other servers again.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(1004, LogLevel.Warning, "Hub send {Operation} (not through the broadcaster) dropped: Redis is not connected.")]
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

    [LoggerMessage(1015, LogLevel.Debug, "Broadcast kept in the outbox ({Reason}); {Count} waiting for Redis.")]
    public static partial void BroadcastQueued(ILogger logger, string reason, int count);

    [LoggerMessage(1016, LogLevel.Warning, "The broadcast outbox is full ({Capacity}); the oldest waiting broadcast was given up. Clients that missed it reload state when they resume.")]
    public static partial void OutboxFull(ILogger logger, int capacity);

    [LoggerMessage(1017, LogLevel.Information, "Sent {Count} broadcasts from the outbox, in order, after Redis answered again.")]
    public static partial void OutboxDrained(ILogger logger, int count);

    [LoggerMessage(1018, LogLevel.Warning, "Could not number a broadcast from the outbox in Redis; it keeps its place and is retried.")]
    public static partial void OutboxDrainFailed(ILogger logger, Exception exception);

    [LoggerMessage(1019, LogLevel.Warning, "Stopping with {Count} broadcasts still in the outbox (Redis unreachable); they are not sent.")]
    public static partial void OutboxLeftAtShutdown(ILogger logger, int count);

    [LoggerMessage(1020, LogLevel.Error, "A broadcast in the outbox could not be sent and was given up.")]
    public static partial void OutboxItemFailed(ILogger logger, Exception exception);

    [LoggerMessage(1021, LogLevel.Warning, "Numbering a broadcast in the Redis history failed; it waits in the outbox.")]
    public static partial void HistoryAppendFailed(ILogger logger, Exception exception);

    [LoggerMessage(1022, LogLevel.Warning, "Reading a room's history from Redis failed; Resume answers recovered=false for it.")]
    public static partial void HistoryReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(1032, LogLevel.Warning, "Reading the position of room {Room} from Redis failed; Authenticate leaves it out of positions.")]
    public static partial void PositionReadFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(1023, LogLevel.Warning, "Could not subscribe to the broadcast channel {OrganizationChannel}; retrying. Broadcasts from other servers do not reach this server's connections there until it succeeds.")]
    public static partial void BroadcastSubscribeFailed(ILogger logger, string organizationChannel, Exception exception);

    [LoggerMessage(1024, LogLevel.Warning, "Ignored a message of {Bytes} bytes on a broadcast channel: it is not a broadcast this package wrote.")]
    public static partial void BroadcastRejected(ILogger logger, int bytes);

    [LoggerMessage(1025, LogLevel.Error, "Ignored a broadcast of {Bytes} bytes on a broadcast channel that could not be delivered.")]
    public static partial void BroadcastUndeliverable(ILogger logger, int bytes, Exception exception);

    [LoggerMessage(1026, LogLevel.Warning, "Redis is unreachable and OutageMode is Reject: a broadcast of event {EventName} was refused ({Reason}).")]
    public static partial void BroadcastRejectedInOutage(ILogger logger, string eventName, string reason);

    [LoggerMessage(1027, LogLevel.Warning, "Room {Room} starts a new epoch: this server gave up broadcasts to it that it had accepted, so clients that resume across them are told to reload.")]
    public static partial void RoomEpochReset(ILogger logger, string room);

    [LoggerMessage(1030, LogLevel.Warning, "Connection caps are checked without Redis ({Reason}): new connections are admitted against this server's connections and the other servers' shares as last read, without waiting for Redis.")]
    public static partial void CapsCheckedLocally(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(1031, LogLevel.Information, "Connection caps are checked against every server's counts in Redis again.")]
    public static partial void CapsCheckedInRedisAgain(ILogger logger);

    [LoggerMessage(1040, LogLevel.Warning, "Could not write this server's presence to Redis; it is written again when Redis answers, and users may come and go late meanwhile.")]
    public static partial void PresenceWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(1041, LogLevel.Information, "This server's presence is written to Redis again.")]
    public static partial void PresenceWriteRestored(ILogger logger);

    [LoggerMessage(1042, LogLevel.Information, "Settled the presence of server {ServerId}, which stopped renewing it: {Organizations} organizations, {Scopes} scopes; its users that are on no other server left.")]
    public static partial void PresenceServerSettled(ILogger logger, string serverId, int organizations, int scopes);

    [LoggerMessage(1050, LogLevel.Warning, "Could not read the state of {Room} from Redis ({Reason}): this server's copy is sent as it is and brought up to date by the room's next change or read.")]
    public static partial void StateReadSkipped(ILogger logger, string room, string reason);

    [LoggerMessage(1051, LogLevel.Warning, "A state change of {Room} waits in the outbox: Redis did not take it ({Reason}); it is written, latest value per key, when Redis answers again.")]
    public static partial void StateChangeWaiting(ILogger logger, string room, string reason);

    [LoggerMessage(1052, LogLevel.Warning, "Could not write the state loader's values for {Room} to Redis ({Reason}): the room stays empty, and lost, once its fill deadline has passed.")]
    public static partial void StateFillSkipped(ILogger logger, string room, string reason);

    [LoggerMessage(1053, LogLevel.Debug, "Could not sweep the expired state keys of {Room} ({Reason}): tried again in a second, and a read of the room removes them too.")]
    public static partial void StateExpirySkipped(ILogger logger, string room, string reason);

    [LoggerMessage(1054, LogLevel.Error, "Sweeping the expired state keys of {Room} failed: tried again in a second.")]
    public static partial void StateExpiryFailed(ILogger logger, string room, Exception exception);
}

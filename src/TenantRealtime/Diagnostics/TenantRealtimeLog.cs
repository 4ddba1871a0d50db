using Microsoft.Extensions.Logging;

namespace TenantRealtime.Diagnostics;

/// <summary>Every log line of the library. Event ids are never reused: add new ones at the end.</summary>
internal static partial class TenantRealtimeLog
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} authenticated as user {UserId} of organization {OrganizationId} (tenant {TenantId}, role {Role}).")]
    public static partial void ConnectionAuthenticated(ILogger logger, string connectionId, string userId, string organizationId, string? tenantId, string role);

    [LoggerMessage(2, LogLevel.Warning, "Connection {ConnectionId} refused: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string connectionId, string reason);

    [LoggerMessage(3, LogLevel.Warning, "User {UserId} of organization {OrganizationId} was refused joining organization {RequestedOrganizationId}: {Reason}")]
    public static partial void JoinRefused(ILogger logger, string userId, string organizationId, string requestedOrganizationId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "User {UserId} of organization {OrganizationId} sent an Authenticate request that does not match its identity: {Reason}")]
    public static partial void AuthenticateMismatch(ILogger logger, string userId, string organizationId, string reason);

    [LoggerMessage(5, LogLevel.Debug, "Anonymous connection {ConnectionId} accepted (global broadcasts only).")]
    public static partial void AnonymousConnected(ILogger logger, string connectionId);

    [LoggerMessage(6, LogLevel.Debug, "Connection {ConnectionId} disconnected.")]
    public static partial void Disconnected(ILogger logger, string connectionId);

    [LoggerMessage(7, LogLevel.Information, "Connection {ConnectionId} of user {UserId} of organization {OrganizationId} closed by the server: {Reason}")]
    public static partial void ConnectionRevoked(ILogger logger, string connectionId, string userId, string organizationId, string reason);

    [LoggerMessage(8, LogLevel.Debug, "Connection {ConnectionId} now holds {RoomCount} rooms.")]
    public static partial void RoomsChanged(ILogger logger, string connectionId, int roomCount);

    [LoggerMessage(9, LogLevel.Debug, "Hub method {Method} refused an argument: {Reason}")]
    public static partial void InvalidArgument(ILogger logger, string method, string reason);

    [LoggerMessage(10, LogLevel.Warning, "The room resolver granted room {Room} while user {UserId} joined organization {OrganizationId}; the room was ignored because it belongs to another organization.")]
    public static partial void ForeignRoomIgnored(ILogger logger, string room, string userId, string organizationId);

    [LoggerMessage(11, LogLevel.Debug, "Broadcast {EventName} sent to scope {Scope}.")]
    public static partial void BroadcastSent(ILogger logger, string scope, string eventName);

    [LoggerMessage(12, LogLevel.Debug, "Connection {ConnectionId} was rate-limited invoking {Method}.")]
    public static partial void RateLimited(ILogger logger, string connectionId, string method);

    [LoggerMessage(13, LogLevel.Warning, "User {UserId} of organization {OrganizationId} was refused: {Reason}")]
    public static partial void LimitExceeded(ILogger logger, string userId, string organizationId, string reason);

    [LoggerMessage(14, LogLevel.Warning, "Connection {ConnectionId} asked to resume room {Room}, which it does not hold.")]
    public static partial void ResumeRefused(ILogger logger, string connectionId, string room);

    [LoggerMessage(20, LogLevel.Warning, "Connection {ConnectionId} was closed as a slow consumer: {Bytes} bytes in {Messages} messages were waiting for it to read. It may reconnect and resume.")]
    public static partial void SlowConsumer(ILogger logger, string connectionId, long bytes, int messages);

    [LoggerMessage(21, LogLevel.Information, "Connection {ConnectionId} was closed: its authentication expired. It may reconnect with a fresh token.")]
    public static partial void AuthenticationExpired(ILogger logger, string connectionId);

    [LoggerMessage(30, LogLevel.Warning, "This server is at its ceiling of {Limit} connections (MaxConnectionsPerServer): {Refused} new connections refused since the last such line (logged at most every {IntervalSeconds} s).")]
    public static partial void OverCapacity(ILogger logger, long refused, int limit, double intervalSeconds);

    [LoggerMessage(31, LogLevel.Information, "This server accepts at most {Limit} connections: derived from the open-file limit of {SoftLimit}, with {InUse} descriptors in use at start and a reserve kept free. Set MaxConnectionsPerServer to choose another ceiling.")]
    public static partial void CeilingDerived(ILogger logger, int limit, long softLimit, int inUse);

    [LoggerMessage(32, LogLevel.Information, "This server has no connection ceiling: the open-file limit cannot be read on this system. Set MaxConnectionsPerServer to have one.")]
    public static partial void NoCeiling(ILogger logger);

    [LoggerMessage(33, LogLevel.Debug, "Connection {ConnectionId} connects again: its user's rooms were refreshed while it was connecting.")]
    public static partial void ConnectingAgain(ILogger logger, string connectionId);

    [LoggerMessage(34, LogLevel.Warning, "New connections arrive faster than this server admits ({PerSecond} per second, MaxConnectsPerSecond): {Refused} refused with 429 since the last such line (logged at most every {IntervalSeconds} s); clients retry them.")]
    public static partial void ConnectRateExceeded(ILogger logger, long refused, int perSecond, double intervalSeconds);

    [LoggerMessage(40, LogLevel.Warning, "Refused a request to the hub from origin {Origin}: it is neither the app's own ({Own}) nor in AllowedOrigins (cross-site WebSocket hijacking is refused). {Refused} such requests since the last such line (logged at most every {IntervalSeconds} s).")]
    public static partial void ForeignOrigin(ILogger logger, string origin, string own, long refused, double intervalSeconds);

    // Debug: a client coming back with a stale token is ordinary; the refusal metric counts them.
    [LoggerMessage(41, LogLevel.Debug, "Refused a negotiate with 401: its token expired at {ExpiresAt} (accepted by the authentication handler within its clock skew).")]
    public static partial void NegotiateTokenExpired(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(50, LogLevel.Warning, "User {UserId} of organization {OrganizationId} was refused reading the presence of {Scope}: {Reason}")]
    public static partial void PresenceRefused(ILogger logger, string userId, string organizationId, string scope, string reason);

    [LoggerMessage(51, LogLevel.Debug, "Presence event {Type} for {UserCount} users sent to the {Scope} scope of organization {OrganizationId}.")]
    public static partial void PresenceSent(ILogger logger, string type, int userCount, string scope, string organizationId);

    [LoggerMessage(52, LogLevel.Warning, "Presence of organization {OrganizationId} (tenant {TenantId}) could not be read; the caller was told it is unavailable.")]
    public static partial void PresenceUnavailable(ILogger logger, string organizationId, string? tenantId, Exception exception);

    // 60 on: the closes' and refusals' events (ids below were left for other work under way at the same time).
    [LoggerMessage(60, LogLevel.Debug, "Connection {ConnectionId} left while it was connecting.")]
    public static partial void LeftWhileConnecting(ILogger logger, string connectionId);

    [LoggerMessage(61, LogLevel.Warning, "A state change to a {Scope} room was refused: {Reason} ({Count} refused since the last such line).")]
    public static partial void StateRefused(ILogger logger, string scope, string reason, long count);

    [LoggerMessage(62, LogLevel.Debug, "Connection {ConnectionId} was sent the state of {Room} (whole: {Whole}, {Keys} keys).")]
    public static partial void StateSent(ILogger logger, string connectionId, string room, bool whole, int keys);

    [LoggerMessage(63, LogLevel.Warning, "Connection {ConnectionId} of user {UserId} asked for the state of {Room}, which it does not hold.")]
    public static partial void StateReadRefused(ILogger logger, string connectionId, string userId, string room);

    [LoggerMessage(64, LogLevel.Error, "The merged state change of key {Key} of {Room} could not be sent.")]
    public static partial void StateFlushFailed(ILogger logger, string room, string key, Exception exception);

    [LoggerMessage(65, LogLevel.Warning, "The state loader failed for {Room}: the room starts empty and its clients are told its state was lost.")]
    public static partial void StateLoadFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(66, LogLevel.Warning, "The state loader's values for {Room} were refused in part (limit-exceeded): {Skipped} keys skipped, the first because {Reason}; {Kept} kept.")]
    public static partial void StateLoadTrimmed(ILogger logger, string room, int skipped, string reason, int kept);

    [LoggerMessage(67, LogLevel.Debug, "The state loader filled {Room} with {Keys} keys (loaded: {Loaded}).")]
    public static partial void StateLoaded(ILogger logger, string room, int keys, bool loaded);

    [LoggerMessage(68, LogLevel.Error, "The expiry of state key {Key} of {Room} could not be applied: the key stays until it is changed.")]
    public static partial void StateExpiryFailed(ILogger logger, string room, string key, Exception exception);

    [LoggerMessage(70, LogLevel.Debug, "Connection {ConnectionId} subscribed to {Granted} topics ({Refused} refused).")]
    public static partial void TopicsSubscribed(ILogger logger, string connectionId, int granted, int refused);

    [LoggerMessage(71, LogLevel.Information, "User {UserId} of {OrganizationId} was refused topic {Room}.")]
    public static partial void TopicRefused(ILogger logger, string userId, string organizationId, string room);

    [LoggerMessage(72, LogLevel.Error, "The topic authorizer failed for user {UserId} of {OrganizationId}: the topics asked for are refused.")]
    public static partial void TopicAuthorizerFailed(ILogger logger, string userId, string organizationId, Exception exception);

    [LoggerMessage(73, LogLevel.Error, "The topic authorizer {Authorizer} answered {Answers} times for {Topics} topics: the topics asked for are refused.")]
    public static partial void TopicAuthorizerMiscounted(ILogger logger, string authorizer, int topics, int answers);

    [LoggerMessage(74, LogLevel.Information, "Connection {ConnectionId} lost {Count} topics its authorizer now refuses.")]
    public static partial void TopicsRevoked(ILogger logger, string connectionId, int count);

    [LoggerMessage(75, LogLevel.Warning, "The presence of {Count} topics could not be read for a subscribe: its answer says presence is unavailable.")]
    public static partial void TopicPresenceUnavailable(ILogger logger, int count, Exception exception);
}

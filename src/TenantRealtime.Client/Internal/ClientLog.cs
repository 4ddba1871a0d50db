using Microsoft.Extensions.Logging;

namespace TenantRealtime.Client.Internal;

/// <summary>The client's log messages; event ids are never reused.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Debug, "Dropped seq {Seq} of room {Room}: a duplicate (applied up to {Applied}, or already held).", EventName = "DuplicateDropped")]
    public static partial void DuplicateDropped(ILogger logger, string room, long seq, long applied);

    [LoggerMessage(2, LogLevel.Debug, "Holding seq {Seq} of room {Room}: applied up to {Applied}, waiting for the gap to fill.", EventName = "EnvelopeHeld")]
    public static partial void EnvelopeHeld(ILogger logger, string room, long seq, long applied);

    [LoggerMessage(3, LogLevel.Information, "Gap in room {Room} after seq {Applied} still open after the reorder window; resuming.", EventName = "GapResume")]
    public static partial void GapResume(ILogger logger, string room, long applied);

    [LoggerMessage(4, LogLevel.Warning, "Room {Room} must be reloaded: {Reason}.", EventName = "ReloadRequired")]
    public static partial void ReloadRequired(ILogger logger, string room, ReloadReason reason);

    [LoggerMessage(5, LogLevel.Information, "Resumed {Rooms} room(s): {Replayed} broadcast(s) replayed, {NotRecovered} not recovered.", EventName = "Resumed")]
    public static partial void Resumed(ILogger logger, int rooms, int replayed, int notRecovered);

    [LoggerMessage(6, LogLevel.Warning, "Resume failed.", EventName = "ResumeFailed")]
    public static partial void ResumeFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "A handler of event {EventName} threw.", EventName = "HandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "A ReloadRequired handler threw for room {Room}.", EventName = "ReloadHandlerFailed")]
    public static partial void ReloadHandlerFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Authenticate gave the position of {Rooms} room(s); {Learned} were not tracked yet and are tracked from there.", EventName = "PositionsLearned")]
    public static partial void PositionsLearned(ILogger logger, int rooms, int learned);

    [LoggerMessage(11, LogLevel.Warning, "Asking Authenticate for the rooms' positions after a reconnect failed; rooms not tracked yet are tracked from their next broadcast.", EventName = "PositionsFailed")]
    public static partial void PositionsFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Error, "A Resumed handler threw.", EventName = "ResumedHandlerFailed")]
    public static partial void ResumedHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(20, LogLevel.Warning, "The server refused the connection for good ({Reason}); the client does not retry until it is started again with a valid token.", EventName = "RefusedForGood")]
    public static partial void RefusedForGood(ILogger logger, string reason);

    [LoggerMessage(30, LogLevel.Debug, "Dropped state version {Version} of room {Room}: already held, or the room's whole state is on its way.", EventName = "StateDropped")]
    public static partial void StateDropped(ILogger logger, string room, long version);

    [LoggerMessage(31, LogLevel.Information, "State version {Version} of room {Room} cannot be applied (a gap, another epoch, or a state not held); asking GetState.", EventName = "StateRequested")]
    public static partial void StateRequested(ILogger logger, string room, long version);

    [LoggerMessage(32, LogLevel.Warning, "GetState for room {Room} failed; the next change or reconnect asks again.", EventName = "StateRequestFailed")]
    public static partial void StateRequestFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(33, LogLevel.Error, "A state handler threw for room {Room}.", EventName = "StateHandlerFailed")]
    public static partial void StateHandlerFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(40, LogLevel.Debug, "Subscribed {Granted} topic(s); {Refused} refused.", EventName = "TopicsSubscribed")]
    public static partial void TopicsSubscribed(ILogger logger, int granted, int refused);

    [LoggerMessage(41, LogLevel.Warning, "Topic {Room} was taken away by the server ({Error}).", EventName = "TopicRevoked")]
    public static partial void TopicRevoked(ILogger logger, string room, string error);

    [LoggerMessage(42, LogLevel.Warning, "Subscribing the topics again after a reconnect failed; they stay held and are asked for at the next reconnect.", EventName = "ResubscribeFailed")]
    public static partial void ResubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(43, LogLevel.Error, "A TopicRevoked handler threw for topic {Room}.", EventName = "TopicRevokedHandlerFailed")]
    public static partial void TopicRevokedHandlerFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(44, LogLevel.Warning, "Unsubscribing topic {Room} failed; the client no longer holds it.", EventName = "UnsubscribeFailed")]
    public static partial void UnsubscribeFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(45, LogLevel.Debug, "Dropped seq {Seq} of topic {Room}: the client left the topic.", EventName = "LeftTopicDropped")]
    public static partial void LeftTopicDropped(ILogger logger, string room, long? seq);

    [LoggerMessage(46, LogLevel.Error, "A PresenceChanged handler threw for topic {Room}.", EventName = "PresenceHandlerFailed")]
    public static partial void PresenceHandlerFailed(ILogger logger, string room, Exception exception);
}

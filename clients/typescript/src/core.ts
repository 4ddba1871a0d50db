// Everything but the SignalR binding: shared by the npm entry (index.ts) and the browser entry (browser.ts).
export { ENVELOPE_FIELDS, Scopes, type BroadcastScope, type EnvelopeField, type TenantEnvelope } from "./envelope.js";
export {
  ErrorCodes,
  HubEvents,
  HubMethods,
  type AuthenticateResult,
  type JoinOrganizationResult,
  type PresenceEventData,
  type PresenceEventScope,
  type PresenceRequest,
  type PresenceScope,
  type PresenceSnapshot,
  type PresenceUser,
  type ResumeResult,
  type RoomPosition,
  type RoomResumeResult,
  type StateMessage,
  type StateVersion,
  type TopicListResult,
  type TopicPresence,
  type TopicRequest,
  type TopicResult,
  type TopicScope,
  TOPIC_ROOM_PREFIXES,
  isTopicRoom,
} from "./wire.js";
export { StateMaps, type StateChange, type StateOutcome, type StoredRoomState } from "./state.js";
export {
  RoomRecovery,
  type ReloadReason,
  type RoomRecoveryOptions,
  type Timers,
} from "./recovery.js";
export {
  DEFAULT_POSITIONS_KEY,
  sessionStoragePositionStore,
  storagePositionStore,
  type PositionStore,
  type StateStore,
  type StorageLike,
} from "./storage.js";
export { DEFAULT_RECONNECT_DELAYS_MS, TenantRetryPolicy, isRefusedForNow, isUnauthenticated, refusedRetryDelayMs } from "./retry.js";
export {
  TenantRealtimeClient,
  type ConnectionStatus,
  type EnvelopeHandler,
  type ReloadHandler,
  type StateChangedHandler,
  type SignalRNamespace,
  type TenantRealtimeClientInit,
  type TenantRealtimeClientOptions,
  type TopicPresenceHandler,
  type TopicRevokedHandler,
  type TopicSubscription,
  type Unsubscribe,
} from "./client.js";

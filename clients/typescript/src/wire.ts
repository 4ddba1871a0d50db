// Hub methods, events, error codes and the shapes of their arguments and results (TenantRealtimeWire and the wire
// contract). The envelope and the scopes live in envelope.ts.
import type { Scopes } from "./envelope.js";

/** Hub methods a client invokes. */
export const HubMethods = {
  authenticate: "Authenticate",
  joinOrganization: "JoinOrganization",
  leaveOrganization: "LeaveOrganization",
  ping: "Ping",
  resume: "Resume",
  getPresence: "GetPresence",
  /** `GetState({room})`: sends one room's whole state as a `state` event, then answers `{room, epoch, version}`. */
  getState: "GetState",
  /**
   * `Subscribe({scope, topic, organizationId?, tenantId?})` or `Subscribe({topics: [ … ]})`: asks for topics; each granted
   * topic's whole state comes as `state` events before the answer (`TopicListResult`). The single form fails with
   * `forbidden` where the list answers `subscribed: false, error: "forbidden"`.
   */
  subscribe: "Subscribe",
  /** `Unsubscribe({scope, topic, …})` or `Unsubscribe({topics: [ … ]})`: leaves topics; idempotent. */
  unsubscribe: "Unsubscribe",
} as const;

/** Events the server sends besides broadcasts. */
export const HubEvents = {
  authenticated: "authenticated",
  pong: "pong",
  /** Presence changes (`joined` / `left`), when the server enables presence: see `PresenceEventData`. */
  presence: "presence",
  /** A room's keyed state, whole or changed keys: see `StateMessage`. */
  state: "state",
  /** The server took topics away (a refresh of the user's rooms refused them): `TopicListResult`, each `subscribed: false`. */
  unsubscribed: "unsubscribed",
} as const;

/** Error codes: a failed invocation's message ends with `HubException: <code>: <sentence>`; closes carry `<code>: <sentence>`. */
export const ErrorCodes = {
  invalidArgument: "invalid-argument",
  forbidden: "forbidden",
  unauthenticated: "unauthenticated",
  rateLimited: "rate-limited",
  limitExceeded: "limit-exceeded",
  slowConsumer: "slow-consumer",
  /** The feature the call needs is off on the server (e.g. `GetPresence` without `EnablePresence`). */
  disabled: "disabled",
  /** The scale-out (Redis) cannot be read right now (e.g. `GetPresence` during a Redis outage): retry later. */
  unavailable: "unavailable",
} as const;

/** Where a client stands in a room: the last `seq` applied and the `epoch` it belongs to. */
export interface RoomPosition {
  room: string;
  epoch: string;
  seq: number;
}

/** The server's answer about one room of a `Resume`. */
export interface RoomResumeResult {
  room: string;
  /** Whether everything after the position was replayed (before this answer). */
  recovered: boolean;
  /** How many broadcasts were replayed. */
  replayed: number;
  /** Why not recovered, for example `forbidden` for a room the connection does not hold. */
  error?: string | null;
}

/** The answer to `Resume`, one entry per position asked about. */
export interface ResumeResult {
  rooms: RoomResumeResult[];
  /**
   * One entry per state version named in the request's `states` (absent when it named none): `recovered` when only
   * the changed and removed keys were sent, otherwise the whole state was; `replayed` counts the keys sent.
   */
  states?: RoomResumeResult[];
}

/** The state version a client holds of a room, as `Resume`'s `states` names it. */
export interface StateVersion {
  room: string;
  epoch: string;
  version: number;
}

/**
 * The `state` event: with `full` the room's whole state (replace what is held), otherwise the keys in `set` changed
 * and those in `removed` were removed. Versions count 1, 2, 3, … per room and epoch.
 */
export interface StateMessage<T = unknown> {
  room: string;
  epoch: string;
  version: number;
  full: boolean;
  set?: Record<string, T>;
  removed?: string[];
  /**
   * On a whole state: the room's epoch you held is gone (a server restart, Redis lost it) and nothing filled the room
   * again, so what you held is lost; absent otherwise.
   */
  lost?: boolean;
}

/** The answer to `Authenticate` (also sent as the `authenticated` event). */
export interface AuthenticateResult {
  success: boolean;
  clientId: string;
  userId: string | null;
  organizationId: string | null;
  tenantId: string | null;
  role: string | null;
  rooms: string[];
  timestamp: string;
  /** The current position of every room in `rooms` (empty with recovery off; absent from older servers). */
  positions?: RoomPosition[] | null;
}

/** The answer to `JoinOrganization`. */
export interface JoinOrganizationResult {
  success: boolean;
  organizationId: string;
  room: string;
  /** The room's current position (absent with recovery off and from older servers). */
  position?: RoomPosition | null;
}

/** Where presence is read and announced: an organization, or one tenant of it. */
export type PresenceScope = typeof Scopes.organization | typeof Scopes.tenant;

/** What `getPresence` asks for; the ids default to the connection's own. */
export interface PresenceRequest {
  scope: PresenceScope;
  organizationId?: string;
  tenantId?: string;
}

/** A user online in a scope: never a connection. */
export interface PresenceUser {
  userId: string;
  /** From the claim the server names (`PresenceDisplayNameClaimType`), or null. */
  displayName: string | null;
  /** Its connections in the scope; 0 while its last one is gone but the debounce window has not passed. */
  connections: number;
  /** When it came online in the scope, ISO-8601 UTC. */
  onlineSince: string;
}

/**
 * The `data` of a `presence` event (envelope `type` `joined` or `left`, `scope` `organization`, `tenant` or `topic`:
 * see `PresenceEventScope`). Several
 * users when changes over the server's rate bound were merged; none, with `countsOnly`, above its list bound.
 * Presence events carry no `room`, `seq` or `epoch`: they are not resumed, so read the list again after a reconnect.
 */
export interface PresenceEventData {
  users: PresenceUser[];
  /** The users online in the scope after the change. */
  userCount: number;
  /** The scope has more users online than the server lists: only counts are given. */
  countsOnly: boolean;
}

/**
 * The envelope `scope` of a `presence` event: `organization` or `tenant` (who is online there), or `topic` (who is
 * subscribed to a topic whose prefix tracks presence; the envelope's `organizationId`, `tenantId` (tenant topics only)
 * and `topic` name it, and only the topic's subscribers get it).
 */
export type PresenceEventScope = PresenceScope | typeof Scopes.topic;

/**
 * Who is subscribed to a topic whose prefix tracks presence (the server's `TopicPrefixOptions.EnablePresence`): the
 * `presence` of `Subscribe`'s answer, and what `TopicSubscription.presence()` keeps up to date. Ordered by
 * `onlineSince`, then `userId`; empty with `countsOnly` (more users than the server lists).
 */
export interface TopicPresence {
  users: PresenceUser[];
  /** The users subscribed to the topic. */
  userCount: number;
  /** More users are subscribed than the server lists: `users` is empty. */
  countsOnly: boolean;
}

/** The answer to `GetPresence`. */
export interface PresenceSnapshot {
  scope: PresenceScope;
  organizationId: string;
  tenantId: string | null;
  userCount: number;
  connectionCount: number;
  /** More users are online than the server lists: `users` is empty. */
  countsOnly: boolean;
  /** Ordered by when they came online. */
  users: PresenceUser[];
  timestamp: string;
}

/** Where a topic lives: inside a tenant (room `topic:{o}:{t}:{name}`) or an organization (`org-topic:{o}:{name}`). */
export type TopicScope = typeof Scopes.tenant | typeof Scopes.organization;

/**
 * A topic as `Subscribe` and `Unsubscribe` take it (TenantRealtimeWire.TopicFields); the ids default to the
 * connection's own. A name is 1 to 128 characters of `[A-Za-z0-9_.-]` in segments joined by single `:` (`incident:42`).
 */
export interface TopicRequest {
  scope: TopicScope;
  topic: string;
  organizationId?: string;
  tenantId?: string;
}

/** One topic of `Subscribe`'s or `Unsubscribe`'s answer, or of the `unsubscribed` event. */
export interface TopicResult {
  /** The topic's room key, as its envelopes, positions and state carry it. */
  room: string;
  scope: TopicScope;
  topic: string;
  organizationId: string;
  /** The tenant of a tenant topic; null for an organization topic. */
  tenantId: string | null;
  /** Whether the connection holds the topic after the call. */
  subscribed: boolean;
  /** The topic room's current position (Subscribe only; null with recovery off). */
  position?: RoomPosition | null;
  /** Why it was not granted, or why it was taken away: `forbidden`. */
  error?: string | null;
  /**
   * Subscribe only, for a granted topic whose prefix tracks presence: its users, this connection's own included.
   * Absent for a topic without presence (and from older servers); null with `presenceError`.
   */
  presence?: TopicPresence | null;
  /** Why `presence` is null: `unavailable` (the server's Redis could not be read; subscribe again to read it). */
  presenceError?: string | null;
}

/** The answer to `Subscribe` and `Unsubscribe`, and the `unsubscribed` event. */
export interface TopicListResult {
  topics: TopicResult[];
}

/** The prefixes of topic rooms' keys: a tenant's topic, an organization's topic. */
export const TOPIC_ROOM_PREFIXES = ["topic:", "org-topic:"] as const;

/** A topic's room key: `topic:{o}:{t}:{name}` for a tenant's topic, `org-topic:{o}:{name}` for an organization's (no tenant). */
export function topicRoom(organizationId: string, tenantId: string | null | undefined, topic: string): string {
  return tenantId ? `${TOPIC_ROOM_PREFIXES[0]}${organizationId}:${tenantId}:${topic}` : `${TOPIC_ROOM_PREFIXES[1]}${organizationId}:${topic}`;
}

/** Whether a room key is a topic's room (`topic:{o}:{t}:{name}` or `org-topic:{o}:{name}`). */
export function isTopicRoom(room: string): boolean {
  return TOPIC_ROOM_PREFIXES.some(prefix => room.startsWith(prefix));
}

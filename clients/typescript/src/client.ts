// The client: a SignalR HubConnection with automatic reconnect, typed broadcast handlers and recovery built in.
// It takes the SignalR namespace as a parameter (index.ts passes the npm package, browser.ts the page's UMD build),
// so this file and everything it imports load in a browser without a bundler.
import type * as SignalR from "@microsoft/signalr";
import { Scopes, type TenantEnvelope } from "./envelope.js";
import { TenantRetryPolicy, DEFAULT_RECONNECT_DELAYS_MS, isRefusedForNow, refusedRetryDelayMs } from "./retry.js";
import { RoomRecovery, type ReloadReason } from "./recovery.js";
import type { PositionStore } from "./storage.js";
import { StateMaps, type StateChange } from "./state.js";
import {
  ErrorCodes,
  HubEvents,
  HubMethods,
  isTopicRoom,
  topicRoom,
  type AuthenticateResult,
  type JoinOrganizationResult,
  type PresenceEventData,
  type PresenceUser,
  type PresenceRequest,
  type PresenceScope,
  type PresenceSnapshot,
  type ResumeResult,
  type RoomPosition,
  type StateMessage,
  type StateVersion,
  type TopicListResult,
  type TopicPresence,
  type TopicRequest,
  type TopicResult,
  type TopicScope,
} from "./wire.js";

/** The parts of `@microsoft/signalr` the client uses: the npm package's exports, or the UMD build's `signalR` global. */
export type SignalRNamespace = Pick<typeof SignalR, "HubConnectionBuilder" | "HubConnectionState">;

/** Where the client stands. `connected` means: in its rooms, positions known, missed broadcasts resumed. */
export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "disconnected";

/** A broadcast handler. It runs synchronously, in the room's order; a promise it returns is not awaited. */
export type EnvelopeHandler<TData> = (envelope: TenantEnvelope<TData>) => void | Promise<void>;

/** A handler of keyed state changes: one call per key set or removed, after the client's map has it. */
export type StateChangedHandler<T = unknown> = (change: StateChange<T>) => void;

/** Reloads the rooms' state from its source of truth; broadcasts received meanwhile are applied after it settles. */
export type ReloadHandler = (rooms: readonly string[], reason: ReloadReason) => void | Promise<void>;

/** How to connect. Only the URL is required; everything here has a default. */
export interface TenantRealtimeClientOptions {
  /** Returns the access token; called on every connection attempt, reconnects included, so return a fresh one. */
  accessTokenFactory?: () => string | Promise<string>;
  /** How long a broadcast that skips ahead is held for the missing ones before `Resume` is asked. Default 1000. */
  reorderWindowMs?: number;
  /** Delays between reconnect attempts; after the last, the client gives up (`disconnected`). Default 0, 2s, 10s, 30s. */
  reconnectDelaysMs?: readonly number[];
  /** Keeps positions across page loads, e.g. `sessionStoragePositionStore()`; see the README before using it. */
  positionStore?: PositionStore;
  /** The hub protocol, e.g. `new MessagePackHubProtocol()` from `@microsoft/signalr-protocol-msgpack`. Default JSON. */
  protocol?: SignalR.IHubProtocol;
  /** SignalR's logging: a level or a logger. Default: SignalR's default (information to the console). */
  logging?: SignalR.LogLevel | SignalR.ILogger;
  /** Options of the transport (transport, headers, withCredentials, …); the token comes from `accessTokenFactory`. */
  httpOptions?: Omit<SignalR.IHttpConnectionOptions, "accessTokenFactory">;
  /** Events counted toward their room's position without a handler (see `track`). */
  trackedEvents?: readonly string[];
  /** How often, at most, the rooms' keyed state is written to `positionStore.states` (it changes faster). Default 250. */
  stateSaveIntervalMs?: number;
  /** Failures with nobody to throw to (a handler that threw, a failed Resume). Default `console.error`. */
  onError?: (message: string, error?: unknown) => void;
}

/** The options of the class itself: the entries add `signalR`. */
export interface TenantRealtimeClientInit extends TenantRealtimeClientOptions {
  /** The SignalR namespace to build the connection with. */
  signalR: SignalRNamespace;
}

/** Stops a registration. */
export type Unsubscribe = () => void;

/**
 * A topic asked for with `subscribe` or `subscribeMany`: where it lives (as the server resolved the ids), what was
 * asked, and whether the client holds it. An active subscription is subscribed again after every reconnect, before the
 * client resumes, so its broadcasts and state continue without a gap. It becomes inactive when unsubscribed, when the
 * server refused it (`error`), or when the server took it away (`onTopicRevoked`).
 */
export interface TopicSubscription {
  /** The topic's room key (`topic:{o}:{t}:{name}` or `org-topic:{o}:{name}`), as its envelopes, positions and state carry it. */
  readonly room: string;
  readonly scope: TopicScope;
  /** The topic's name. */
  readonly topic: string;
  readonly organizationId: string;
  /** The tenant of a tenant topic; null for an organization topic. */
  readonly tenantId: string | null;
  /** What was asked for. */
  readonly request: TopicRequest;
  /** Whether the client holds the topic: its broadcasts reach the handlers and its state is kept. */
  readonly active: boolean;
  /** Why the topic is not held: `forbidden` (refused, or taken away); null while active or once unsubscribed. */
  readonly error: string | null;
  /**
   * Why the server could not list the topic's users at the last subscribe (`unavailable`: its Redis could not be
   * read); `presence()` is null meanwhile. Null otherwise.
   */
  readonly presenceError: string | null;
  /**
   * Who is subscribed to the topic, when its prefix tracks presence (the server's `TopicPrefixOptions.EnablePresence`):
   * this connection's own user included, ordered by `onlineSince` then `userId`. Replaced whole by every `Subscribe`
   * answer (the client subscribes again after each reconnect, server switch and page reload), then changed by the
   * topic's `presence` events: `joined` adds or updates its users, `left` removes them. Null for a topic without
   * presence (and with older servers), with `presenceError`, and once inactive. A copy: later changes do not alter it.
   */
  presence(): TopicPresence | null;
  /** Registers a handler called with the topic's presence after each change (a subscribe answer or an event). */
  onPresenceChanged(handler: TopicPresenceHandler): Unsubscribe;
  /** Leaves the topic; its position and state are dropped (also from the position store). Idempotent. */
  unsubscribe(): Promise<void>;
}

/** A handler of a topic's presence: called with the whole list after each change. It runs synchronously. */
export type TopicPresenceHandler = (presence: TopicPresence) => void;

/** Told the topics the server took away (refused when subscribed again after a reconnect, or revoked); now inactive. */
export type TopicRevokedHandler = (topics: readonly TopicSubscription[]) => void;

class Subscription implements TopicSubscription {
  readonly room: string;
  readonly scope: TopicScope;
  readonly topic: string;
  readonly organizationId: string;
  readonly tenantId: string | null;
  readonly request: TopicRequest;
  active = false;
  error: string | null = null;
  presenceError: string | null = null;
  /** The topic's users by id, or null when the topic does not track presence (or it could not be read). */
  #users: Map<string, PresenceUser> | null = null;
  #userCount = 0;
  #countsOnly = false;
  readonly #presenceHandlers = new Set<TopicPresenceHandler>();
  readonly #leave: (subscription: Subscription) => Promise<void>;
  readonly #onError: (message: string, error?: unknown) => void;

  constructor(result: TopicResult, request: TopicRequest, leave: (subscription: Subscription) => Promise<void>, onError: (message: string, error?: unknown) => void) {
    this.room = result.room;
    this.scope = result.scope;
    this.topic = result.topic;
    this.organizationId = result.organizationId;
    this.tenantId = result.tenantId ?? null;
    this.request = request;
    this.#leave = leave;
    this.#onError = onError;
  }

  presence(): TopicPresence | null {
    if (!this.active || this.#users === null) return null;
    const users = [...this.#users.values()].map(user => ({ ...user })).sort(byOnlineSince);
    return { users, userCount: this.#userCount, countsOnly: this.#countsOnly };
  }

  onPresenceChanged(handler: TopicPresenceHandler): Unsubscribe {
    this.#presenceHandlers.add(handler);
    return () => void this.#presenceHandlers.delete(handler);
  }

  /** A `Subscribe` answer for this topic: its presence replaces what is held (none without the field: an old server, or no presence). */
  resetPresence(result: TopicResult): void {
    const presence = result.presence;
    this.presenceError = presence ? null : (result.presenceError ?? null);
    if (!presence) {
      this.#users = null;
      return;
    }
    this.#users = new Map((presence.users ?? []).map(user => [user.userId, user]));
    this.#userCount = presence.userCount;
    this.#countsOnly = presence.countsOnly;
    this.#raisePresence();
  }

  /** A `presence` event of this topic; ignored while no list is held (nothing to change: the next answer brings it whole). */
  applyPresence(envelope: TenantEnvelope<PresenceEventData>): void {
    if (this.#users === null || !this.active) return;
    const data = envelope.data;
    for (const user of data?.users ?? []) {
      if (envelope.type === "left") this.#users.delete(user.userId);
      else this.#users.set(user.userId, user);
    }
    this.#userCount = data.userCount;
    this.#countsOnly = data.countsOnly;
    // Above the server's list bound it lists nobody: a list kept from before would go stale.
    if (data.countsOnly) this.#users.clear();
    this.#raisePresence();
  }

  /** Inactive: the list is dropped (a later subscribe's answer brings it whole). */
  clearPresence(): void {
    this.#users = null;
    this.presenceError = null;
  }

  #raisePresence(): void {
    const presence = this.presence();
    if (!presence) return;
    for (const handler of [...this.#presenceHandlers]) {
      try {
        handler(presence);
      } catch (error) {
        this.#onError("TenantRealtime: an onPresenceChanged handler failed.", error);
      }
    }
  }

  /** The topic as the wire names it, with the ids the server resolved. */
  get wire(): TopicRequest {
    return this.scope === "tenant" && this.tenantId !== null
      ? { scope: this.scope, topic: this.topic, organizationId: this.organizationId, tenantId: this.tenantId }
      : { scope: this.scope, topic: this.topic, organizationId: this.organizationId };
  }

  unsubscribe(): Promise<void> {
    return this.#leave(this);
  }
}

/**
 * A connection to a TenantRealtime hub that reconnects by itself and hands each broadcast to its handlers once, in
 * its room's order, including those sent while it was away; when those cannot be recovered it calls the
 * `onReloadRequired` handlers instead.
 */
export class TenantRealtimeClient {
  /** The underlying connection, for hub events that are not broadcasts (e.g. `pong`) and other hub methods. */
  readonly connection: SignalR.HubConnection;

  readonly #signalR: SignalRNamespace;
  readonly #recovery: RoomRecovery;
  readonly #store: PositionStore | undefined;
  readonly #onError: (message: string, error?: unknown) => void;
  readonly #handlers = new Map<string, Set<EnvelopeHandler<unknown>>>();
  readonly #reloadHandlers = new Set<ReloadHandler>();
  readonly #resumedHandlers = new Set<(result: ResumeResult) => void>();
  readonly #statusHandlers = new Set<(status: ConnectionStatus, error?: Error) => void>();
  readonly #joined = new Set<string>();
  readonly #states = new StateMaps();
  readonly #stateHandlers = new Set<StateChangedHandler<unknown>>();
  readonly #stateLostHandlers = new Set<(room: string) => void>();
  /** The active topic subscriptions by room. */
  readonly #topics = new Map<string, Subscription>();
  /** Stored positions of topic rooms not subscribed (yet) on this page: resumed when the app subscribes again. */
  readonly #parkedTopics = new Map<string, RoomPosition>();
  readonly #topicRevokedHandlers = new Set<TopicRevokedHandler>();
  /**
   * Topic presence events received while a `Subscribe` naming their topic is under way, by room: applied after its
   * answer's list (which they may predate or follow), so the list never goes back in time.
   */
  readonly #heldPresence = new Map<string, { calls: number; events: TenantEnvelope<PresenceEventData>[] }>();
  /** Subscribe calls under way: broadcasts of topic rooms not held yet are let through meanwhile. */
  #subscribing = 0;
  readonly #stateSaveIntervalMs: number;
  #stateSaveTimer: ReturnType<typeof setTimeout> | null = null;
  #seeded = false;
  #stopRequested = false;
  #status: ConnectionStatus = "disconnected";
  #identity: AuthenticateResult | null = null;

  constructor(url: string, options: TenantRealtimeClientInit) {
    if (!url) throw new TypeError("TenantRealtimeClient: the hub URL is required.");
    const window = options.reorderWindowMs ?? 1000;
    if (!(window > 0)) throw new RangeError("TenantRealtimeClient: reorderWindowMs must be positive.");
    this.#signalR = options.signalR;
    this.#store = options.positionStore;
    this.#onError = options.onError ?? ((message, error) => console.error(message, error));
    this.#stateSaveIntervalMs = options.stateSaveIntervalMs ?? 250;

    const httpOptions: SignalR.IHttpConnectionOptions = { ...options.httpOptions };
    if (options.accessTokenFactory) httpOptions.accessTokenFactory = options.accessTokenFactory;
    const retryPolicy = new TenantRetryPolicy(options.reconnectDelaysMs ?? DEFAULT_RECONNECT_DELAYS_MS);
    let builder = new this.#signalR.HubConnectionBuilder()
      .withUrl(url, httpOptions)
      .withAutomaticReconnect(retryPolicy);
    if (options.protocol) builder = builder.withHubProtocol(options.protocol);
    if (options.logging !== undefined) builder = builder.configureLogging(options.logging);
    this.connection = builder.build();

    this.#recovery = new RoomRecovery({
      reorderWindowMs: window,
      deliver: (eventName, envelope) => this.#deliver(eventName, envelope),
      resume: positions => this.#invokeResume(positions),
      reload: (rooms, reason) => this.#raiseReload(rooms, reason),
      positionsChanged: this.#store ? () => this.#savePositions() : undefined,
      log: this.#onError,
    });

    this.connection.onreconnecting(error => this.#setStatus("reconnecting", error));
    this.connection.onreconnected(() => void this.#afterReconnect());
    // Closed after reconnecting gave up, SignalR says no why: the last attempt's error does.
    this.connection.onclose(error => this.#setStatus("disconnected", error ?? (this.#status === "reconnecting" ? retryPolicy.lastReason : undefined)));
    // Sent after every Authenticate, ours included: kept as the identity rather than left to SignalR's warning.
    this.connection.on(HubEvents.authenticated, (identity: AuthenticateResult) => {
      this.#identity = identity;
    });
    this.connection.on(HubEvents.state, (message: StateMessage) => this.#receiveState(message));
    this.connection.on(HubEvents.unsubscribed, (message: TopicListResult) => this.#revokeTopics(message?.topics ?? []));
    // Topic presence keeps the subscriptions' lists, whether or not the app registered `onPresence` handlers too.
    this.connection.on(HubEvents.presence, (envelope: TenantEnvelope<PresenceEventData>) => this.#receiveTopicPresence(envelope));
    for (const eventName of options.trackedEvents ?? []) this.track(eventName);
  }

  /** Where the client stands. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The answer of the last `Authenticate` (identity, rooms, positions), or null before the first start. */
  get identity(): AuthenticateResult | null {
    return this.#identity;
  }

  /** Counters: broadcasts applied and duplicates dropped. */
  get stats(): { readonly applied: number; readonly duplicates: number } {
    return this.#recovery.stats;
  }

  /**
   * Registers a handler for a broadcast event. It receives each envelope once, in its room's order, with `data`
   * typed as `TData` (not checked at run time: it is what the server serialized).
   */
  on<TData = unknown>(eventName: string, handler: EnvelopeHandler<TData>): Unsubscribe {
    this.track(eventName);
    const handlers = this.#handlers.get(eventName)!;
    const entry = handler as EnvelopeHandler<unknown>;
    handlers.add(entry);
    return () => void handlers.delete(entry);
  }

  /**
   * Counts an event toward its room's position without handling it. `seq` counts every event sent to a room, so an
   * event the server sends that is neither handled nor tracked looks like a gap and ends in a reload.
   */
  track(eventName: string): void {
    if (this.#handlers.has(eventName)) return;
    this.#handlers.set(eventName, new Set());
    this.connection.on(eventName, (envelope: TenantEnvelope) => {
      // A topic left or taken away: a broadcast still on its way is not applied (nor tracked, nor stored).
      if (this.#subscribing === 0 && typeof envelope?.room === "string" && isTopicRoom(envelope.room) && !this.#topics.has(envelope.room)) return;
      this.#recovery.receive(eventName, envelope);
    });
  }

  /**
   * Registers a handler of `presence` events: a user came online (`joined`) or went offline (`left`) in a scope this
   * connection may watch. They are not numbered, so they never cause a reload, and they are not resumed: read the list
   * again with `getPresence` when the status becomes `connected` after a reconnect.
   */
  onPresence(handler: EnvelopeHandler<PresenceEventData>): Unsubscribe {
    return this.on<PresenceEventData>(HubEvents.presence, handler);
  }

  /**
   * Reads who is online: `getPresence("tenant")` for the connection's own tenant, `getPresence("organization")` for its
   * organization (admins, or members where the server shares it), or `{scope, organizationId?, tenantId?}`. Fails with
   * `forbidden` for a scope the identity may not see and `disabled` when the server does not enable presence.
   */
  async getPresence(request: PresenceScope | PresenceRequest): Promise<PresenceSnapshot> {
    const argument = typeof request === "string" ? { scope: request } : request;
    return this.connection.invoke<PresenceSnapshot>(HubMethods.getPresence, argument);
  }

  /**
   * Subscribes to a topic (`{scope: "tenant" | "organization", topic, organizationId?, tenantId?}`; the ids default to
   * the connection's own). Resolves once the server granted it, with its whole state in `state(subscription.room)` and
   * its broadcasts reaching the `on` handlers; a topic whose position the position store kept from before (a page
   * reload) is resumed from there first, so nothing is missed and nothing comes twice. Rejects as the server refuses:
   * `HubException: forbidden: …` (or `invalid-argument`, `limit-exceeded`). Call it once connected (after `start()`).
   */
  async subscribe(request: TopicRequest): Promise<TopicSubscription> {
    const [subscription] = await this.#subscribe([request], true);
    return subscription!;
  }

  /**
   * Subscribes to several topics in one call (at most the server's `MaxTopicsPerConnection`). Resolves with one
   * subscription per distinct topic, in order: refused ones are reported (`active: false`, `error: "forbidden"`), not
   * thrown. The call as a whole fails only when the server refuses it (`limit-exceeded`, `invalid-argument`).
   */
  async subscribeMany(requests: readonly TopicRequest[]): Promise<TopicSubscription[]> {
    if (requests.length === 0) return [];
    return this.#subscribe(requests, false);
  }

  /** The active topic subscriptions. */
  topics(): TopicSubscription[] {
    return [...this.#topics.values()];
  }

  /**
   * Registers a handler told the topics the server took away: refused when the client subscribed them again after a
   * reconnect, or named in the server's `unsubscribed` event (the app's authorizer no longer allows them). They are
   * inactive by then, their positions and state dropped.
   */
  onTopicRevoked(handler: TopicRevokedHandler): Unsubscribe {
    this.#topicRevokedHandlers.add(handler);
    return () => void this.#topicRevokedHandlers.delete(handler);
  }

  /**
   * The keyed state the client holds for a room (the server's `ITenantState`): the latest value of each key, kept up
   * to date from `state` events across reconnects, server switches and (with a position store) page reloads. A copy:
   * later changes do not alter it. Empty for a room whose state the client has not received. `T` is not checked at
   * run time: it is what the server serialized.
   */
  state<T = unknown>(room: string): ReadonlyMap<string, T> {
    return this.#states.snapshot<T>(room);
  }

  /** The `{room, epoch, version}` of the state held for a room, or null when none is held. */
  stateVersion(room: string): StateVersion | null {
    return this.#states.version(room);
  }

  /**
   * Registers a handler of keyed state changes of every room: one call per key set (`value`) or removed (`removed:
   * true`), after the client's map has it, in the order the server sent them. A whole state that replaces a room's
   * map (at connect, another epoch) calls it for each key that changed or is gone. It runs synchronously.
   */
  onStateChanged<T = unknown>(handler: StateChangedHandler<T>): Unsubscribe {
    const entry = handler as StateChangedHandler<unknown>;
    this.#stateHandlers.add(entry);
    return () => void this.#stateHandlers.delete(entry);
  }

  /**
   * Registers a handler called with a room's key when the server lost the state the client held of it (a restart in
   * memory, Redis losing it) and no app loader filled it again: the map was replaced by the room's new state (usually
   * empty), after `onStateChanged` handlers saw each key go. Keys come back as the app sets them.
   */
  onStateLost(handler: (room: string) => void): Unsubscribe {
    this.#stateLostHandlers.add(handler);
    return () => void this.#stateLostHandlers.delete(handler);
  }

  /**
   * Asks for one room's whole state (`GetState`); resolves once the client's map holds it. The client does this by
   * itself on a version gap; call it for a room the connection does not get at connect (an admin reading a tenant).
   */
  async loadState(room: string): Promise<StateVersion> {
    return this.connection.invoke<StateVersion>(HubMethods.getState, { room });
  }

  /** Registers what to do when rooms must be reloaded from their source of truth (e.g. a REST API). */
  onReloadRequired(handler: ReloadHandler): Unsubscribe {
    this.#reloadHandlers.add(handler);
    return () => void this.#reloadHandlers.delete(handler);
  }

  /**
   * Registers a handler told the server's answer whenever the client resumed rooms ("12 missed updates applied"):
   * after each reconnect, at a `start()` that resumed saved positions (a page reload, a start after `stop()`), and at a
   * `subscribe` that resumed a topic from its stored position.
   */
  onResumed(handler: (result: ResumeResult) => void): Unsubscribe {
    this.#resumedHandlers.add(handler);
    return () => void this.#resumedHandlers.delete(handler);
  }

  /** Registers a handler of status changes; `error` is why the connection dropped or closed, when it says. */
  onStatusChanged(handler: (status: ConnectionStatus, error?: Error) => void): Unsubscribe {
    this.#statusHandlers.add(handler);
    return () => void this.#statusHandlers.delete(handler);
  }

  /**
   * Connects. Resolves once the server has placed the connection in its rooms and the client knows every room's
   * position: the ones saved by the position store (resumed now) or the server's current ones. Load your state after
   * it; a broadcast sent in between reaches your handlers (apply changes idempotently), none is lost. A start after
   * `stop()` resumes like a reconnect.
   */
  async start(): Promise<AuthenticateResult> {
    if (this.connection.state !== this.#signalR.HubConnectionState.Disconnected) {
      throw new Error(`TenantRealtimeClient: cannot start while ${this.#status}.`);
    }
    if (!this.#seeded) {
      this.#seeded = true;
      const saved = await this.#store?.load();
      if (saved) {
        // Topic rooms wait for the app to subscribe again: resumed then, not now (the connection does not hold them yet).
        for (const position of saved) {
          if (isTopicRoom(position.room)) this.#parkedTopics.set(position.room, position);
        }
        this.#recovery.seed(saved.filter(position => !isTopicRoom(position.room)));
      }
      try {
        const states = await this.#store?.states?.load();
        if (states) this.#states.seed(states);
      } catch (error) {
        this.#onError("TenantRealtime: loading the saved state failed; the server sends it whole.", error);
      }
    }
    this.#stopRequested = false;
    this.#setStatus("connecting");
    for (;;) {
      try {
        await this.connection.start();
        break;
      } catch (error) {
        // A server admitting connections at a bounded rate (or at its ceiling) refuses for now: come back shortly,
        // jittered, as the reconnect policy does; anything else fails the start.
        if (error instanceof Error && isRefusedForNow(error) && !this.#stopRequested) {
          await new Promise((resolve) => setTimeout(resolve, refusedRetryDelayMs()));
          continue;
        }
        this.#setStatus("disconnected", error instanceof Error ? error : undefined);
        throw error;
      }
    }
    try {
      const { identity, resumed } = await this.#afterConnect();
      this.#setStatus("connected");
      this.#notifyResumed(resumed);
      return identity;
    } catch (error) {
      // Connected but not in a known state (Authenticate or Resume refused): not started.
      await this.connection.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Disconnects; positions are kept, so a later `start()` resumes from them. */
  async stop(): Promise<void> {
    this.#stopRequested = true;
    this.#saveStates();
    await this.connection.stop();
  }

  /** The last applied `{room, epoch, seq}` of every room known. */
  positions(): RoomPosition[] {
    return this.#recovery.positions();
  }

  /** Tells the client the app reloaded a room by itself: what is held is dropped, the next broadcast starts it afresh. */
  resetRoom(room: string): void {
    this.#recovery.reset(room);
  }

  /**
   * Joins another organization (`platform-admin` only) and starts tracking its room from the server's position. The
   * client joins it again after every reconnect, before resuming.
   */
  async joinOrganization(organizationId: string): Promise<JoinOrganizationResult> {
    const result = await this.connection.invoke<JoinOrganizationResult>(HubMethods.joinOrganization, { organizationId });
    this.#joined.add(organizationId);
    if (result.position) this.#recovery.adopt([result.position]);
    return result;
  }

  /** Leaves an organization joined with `joinOrganization`. */
  async leaveOrganization(organizationId: string): Promise<void> {
    await this.connection.invoke(HubMethods.leaveOrganization, { organizationId });
    this.#joined.delete(organizationId);
  }

  /**
   * After a connection is up: joins again what was joined, authenticates (the answer proves the connection is in
   * its rooms and says their positions), resumes the rooms the client has positions in, and adopts the server's
   * positions for the others.
   */
  async #afterConnect(): Promise<{ identity: AuthenticateResult; resumed: ResumeResult | null }> {
    for (const organizationId of [...this.#joined]) {
      try {
        const joined = await this.connection.invoke<JoinOrganizationResult>(HubMethods.joinOrganization, { organizationId });
        if (joined.position) this.#recovery.adopt([joined.position]);
      } catch (error) {
        // No longer allowed: its room answers `forbidden` in the Resume below and is reloaded and dropped.
        this.#joined.delete(organizationId);
        this.#onError(`TenantRealtime: joining organization '${organizationId}' again failed.`, error);
      }
    }

    // Before Authenticate, which would otherwise send the whole state of every room: only what changed comes back.
    const states = await this.#resumeStates();
    const identity = await this.connection.invoke<AuthenticateResult>(HubMethods.authenticate, {});
    this.#identity = identity;
    // The topics in one call before Resume, so the Resume below covers their rooms too: no gap.
    await this.#resubscribe();
    let resumed = await this.#recovery.resumeAll();
    this.#recovery.adopt(identity.positions ?? []);
    if (states) resumed = { ...(resumed ?? { rooms: [] }), states };
    return { identity, resumed };
  }

  async #afterReconnect(): Promise<void> {
    let resumed: ResumeResult | null;
    try {
      ({ resumed } = await this.#afterConnect());
    } catch (error) {
      // Dropped again (the next reconnect tries again) or refused: positions stand either way.
      this.#onError("TenantRealtime: resuming after the reconnect failed.", error);
      return;
    }
    this.#setStatus("connected");
    this.#notifyResumed(resumed);
  }

  #notifyResumed(resumed: ResumeResult | null): void {
    if (!resumed) return;
    for (const handler of [...this.#resumedHandlers]) {
      try {
        handler(resumed);
      } catch (error) {
        this.#onError("TenantRealtime: an onResumed handler failed.", error);
      }
    }
  }

  /**
   * Names the state versions held in a `Resume` of its own (no positions): the server sends each room's changed and
   * removed keys since (or its whole state, another epoch). Nothing is asked when no state is held (an old server).
   */
  async #resumeStates(): Promise<ResumeResult["states"] | null> {
    // Not the topics': a new connection holds none yet (Subscribe sends their state).
    const states = this.#states.versions().filter(version => !isTopicRoom(version.room));
    if (states.length === 0) return null;
    let result: ResumeResult;
    try {
      result = await this.connection.invoke<ResumeResult>(HubMethods.resume, { positions: [], states });
    } catch (error) {
      // Authenticate below sends the whole state of each room instead.
      this.#onError("TenantRealtime: resuming the state failed; the server sends it whole.", error);
      return null;
    }
    const gone: StateChange[] = [];
    for (const room of result.states ?? []) {
      if (room.error) gone.push(...this.#states.forget(room.room));
    }
    this.#raiseStateChanges(gone);
    return result.states ?? null;
  }

  #receiveState(message: StateMessage): void {
    const changes: StateChange[] = [];
    const outcome = this.#states.apply(message, changes);
    if (outcome === "request-whole") {
      // A gap, another epoch or a room never held: its whole state follows as a `state` event of its own.
      this.loadState(message.room).catch(error => {
        this.#states.requestFailed(message.room);
        if (this.connection.state === this.#signalR.HubConnectionState.Connected) {
          this.#onError(`TenantRealtime: GetState for room '${message.room}' failed.`, error);
        }
      });
      return;
    }
    this.#raiseStateChanges(changes);
    if (outcome === "applied" && message.full && message.lost) {
      for (const handler of [...this.#stateLostHandlers]) {
        try {
          handler(message.room);
        } catch (error) {
          this.#onError("TenantRealtime: an onStateLost handler failed.", error);
        }
      }
    }
  }

  #raiseStateChanges(changes: readonly StateChange[]): void {
    if (changes.length === 0) return;
    for (const change of changes) {
      for (const handler of [...this.#stateHandlers]) {
        try {
          handler(change);
        } catch (error) {
          this.#onError("TenantRealtime: an onStateChanged handler failed.", error);
        }
      }
    }
    if (this.#store?.states && this.#stateSaveTimer === null) {
      // Throttled: a flood of changes writes the storage at most once per interval, with the latest values.
      this.#stateSaveTimer = setTimeout(() => this.#saveStates(), this.#stateSaveIntervalMs);
    }
  }

  #saveStates(): void {
    if (this.#stateSaveTimer !== null) clearTimeout(this.#stateSaveTimer);
    this.#stateSaveTimer = null;
    if (!this.#store?.states) return;
    try {
      this.#store.states.save(this.#states.export());
    } catch (error) {
      this.#onError("TenantRealtime: saving the state failed.", error);
    }
  }

  /** Subscribe (one call), then the rooms whose positions were stored are resumed from there. */
  async #subscribe(requests: readonly TopicRequest[], single: boolean): Promise<Subscription[]> {
    // Stored positions of these topics (a page reload) are taken before the call, so the broadcasts that arrive once the
    // server joins the room wait for the Resume below instead of starting the room afresh.
    const seeded = new Set<string>();
    for (const request of requests) {
      const room = this.#topicRoomOf(request);
      const parked = room === null ? undefined : this.#parkedTopics.get(room);
      if (room === null || !parked || this.#topics.has(room)) continue;
      this.#parkedTopics.delete(room);
      this.#recovery.seed([parked]);
      seeded.add(room);
    }

    this.#subscribing++;
    let answer: TopicListResult;
    const subscriptions: Subscription[] = [];
    const release = this.#holdPresence(requests.map(request => this.#topicRoomOf(request)));
    try {
      try {
        answer = await this.connection.invoke<TopicListResult>(HubMethods.subscribe, single ? requests[0] : { topics: requests });
      } catch (error) {
        const refused = single && error instanceof Error && error.message.includes(`${ErrorCodes.forbidden}: `);
        for (const room of seeded) {
          if (refused) {
            this.#dropTopic(room);
          } else {
            // Not answered (e.g. the connection dropped): the stored position waits for the next subscribe.
            const position = this.#recovery.positions().find(p => p.room === room);
            this.#recovery.forget(room);
            if (position) this.#parkedTopics.set(room, position);
            this.#savePositions();
          }
        }
        throw error;
      }

      for (const result of answer.topics ?? []) {
        const request = requests.find(r => sameTopic(r, result)) ?? requests[0]!;
        if (result.subscribed) {
          const subscription = this.#topics.get(result.room) ?? new Subscription(result, request, s => this.#unsubscribe(s), this.#onError);
          subscription.active = true;
          subscription.error = null;
          this.#topics.set(result.room, subscription);
          subscription.resetPresence(result);
          if (result.position) this.#recovery.adopt([result.position]);
          subscriptions.push(subscription);
        } else {
          const refused = new Subscription(result, request, s => this.#unsubscribe(s), this.#onError);
          refused.error = result.error ?? ErrorCodes.forbidden;
          if (seeded.has(result.room)) this.#dropTopic(result.room);
          subscriptions.push(refused);
        }
      }
    } finally {
      this.#subscribing--;
      release();
    }

    const resume = new Set([...seeded].filter(room => this.#topics.has(room)));
    if (resume.size > 0) {
      this.#notifyResumed(await this.#recovery.resumeAll(resume));
    }
    return subscriptions;
  }

  /** After a reconnect, before Resume: every active topic again, in one call; the refused ones are taken away. */
  async #resubscribe(): Promise<void> {
    if (this.#topics.size === 0) return;
    const held = [...this.#topics.values()];
    let answer: TopicListResult;
    this.#subscribing++;
    const release = this.#holdPresence(held.map(s => s.room));
    try {
      answer = await this.connection.invoke<TopicListResult>(HubMethods.subscribe, { topics: held.map(s => s.wire) });
    } catch (error) {
      release();
      // Dropped again: the next reconnect asks again. Refused whole while connected: none is held.
      if (this.connection.state !== this.#signalR.HubConnectionState.Connected) throw error;
      this.#onError("TenantRealtime: subscribing the topics again failed; they are inactive.", error);
      const code = error instanceof Error ? /HubException: ([a-z-]+):/.exec(error.message)?.[1] : undefined;
      this.#revokeTopics(held.map(s => ({ room: s.room, scope: s.scope, topic: s.topic, organizationId: s.organizationId, tenantId: s.tenantId, subscribed: false, error: code ?? ErrorCodes.forbidden })));
      return;
    } finally {
      this.#subscribing--;
    }
    const refused: TopicResult[] = [];
    try {
      for (const result of answer.topics ?? []) {
        if (result.subscribed) {
          if (result.position) this.#recovery.adopt([result.position]);
          // The list as the server has it now: who left or joined while this client was away is in it.
          this.#topics.get(result.room)?.resetPresence(result);
        } else {
          refused.push(result);
        }
      }
    } finally {
      release();
    }
    this.#revokeTopics(refused);
  }

  /**
   * Holds the topic presence events of these rooms until the returned function is called (after the answer's lists
   * are in), then applies them in the order they came. Calls under way at once for one room share its hold.
   */
  #holdPresence(rooms: readonly (string | null)[]): () => void {
    const held = [...new Set(rooms.filter((room): room is string => room !== null))];
    for (const room of held) {
      const entry = this.#heldPresence.get(room);
      if (entry) entry.calls++;
      else this.#heldPresence.set(room, { calls: 1, events: [] });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const room of held) {
        const entry = this.#heldPresence.get(room);
        if (!entry || --entry.calls > 0) continue;
        this.#heldPresence.delete(room);
        for (const envelope of entry.events) this.#topics.get(room)?.applyPresence(envelope);
      }
    };
  }

  /** A `presence` event: one of a topic's (scope `topic`) goes to that topic's subscription; the others are not its. */
  #receiveTopicPresence(envelope: TenantEnvelope<PresenceEventData>): void {
    if (envelope?.scope !== Scopes.topic || typeof envelope.topic !== "string" || typeof envelope.organizationId !== "string") return;
    const room = topicRoom(envelope.organizationId, envelope.tenantId, envelope.topic);
    const held = this.#heldPresence.get(room);
    if (held) {
      held.events.push(envelope);
      return;
    }
    this.#topics.get(room)?.applyPresence(envelope);
  }

  async #unsubscribe(subscription: Subscription): Promise<void> {
    if (this.#topics.get(subscription.room) !== subscription) {
      subscription.active = false;
      subscription.clearPresence();
      return;
    }
    if (this.connection.state === this.#signalR.HubConnectionState.Connected) {
      try {
        await this.connection.invoke<TopicListResult>(HubMethods.unsubscribe, subscription.wire);
      } catch (error) {
        // Dropped under the call: the next connection does not subscribe it again, so it is left either way.
        if (this.connection.state === this.#signalR.HubConnectionState.Connected) throw error;
      }
    }
    subscription.active = false;
    subscription.error = null;
    subscription.clearPresence();
    this.#dropTopic(subscription.room);
  }

  /** Topics the server took away (the `unsubscribed` event, or refused when subscribed again): inactive, then told. */
  #revokeTopics(results: readonly TopicResult[]): void {
    const revoked: Subscription[] = [];
    for (const result of results) {
      const subscription = this.#topics.get(result.room);
      if (!subscription) continue;
      subscription.active = false;
      subscription.error = result.error ?? ErrorCodes.forbidden;
      subscription.clearPresence();
      this.#dropTopic(result.room);
      revoked.push(subscription);
    }
    if (revoked.length === 0) return;
    for (const handler of [...this.#topicRevokedHandlers]) {
      try {
        handler(revoked);
      } catch (error) {
        this.#onError("TenantRealtime: an onTopicRevoked handler failed.", error);
      }
    }
  }

  /** Forgets a topic room: not held, its position and state dropped, from the store too. */
  #dropTopic(room: string): void {
    this.#topics.delete(room);
    this.#parkedTopics.delete(room);
    this.#recovery.forget(room);
    this.#raiseStateChanges(this.#states.forget(room));
    this.#saveStates();
    this.#savePositions();
  }

  /** The room of a topic asked for, with the ids defaulting to the connection's own; null before the first start. */
  #topicRoomOf(request: TopicRequest): string | null {
    const organizationId = request.organizationId ?? this.#identity?.organizationId;
    if (!organizationId) return null;
    if (request.scope === "organization") return topicRoom(organizationId, null, request.topic);
    const tenantId = request.tenantId ?? this.#identity?.tenantId;
    return tenantId ? topicRoom(organizationId, tenantId, request.topic) : null;
  }

  #savePositions(): void {
    if (!this.#store) return;
    try {
      const positions = this.#recovery.positions();
      const tracked = new Set(positions.map(p => p.room));
      this.#store.save([...positions, ...[...this.#parkedTopics.values()].filter(p => !tracked.has(p.room))]);
    } catch (error) {
      this.#onError("TenantRealtime: saving the positions failed.", error);
    }
  }

  async #invokeResume(positions: RoomPosition[]): Promise<ResumeResult | null> {
    if (this.connection.state !== this.#signalR.HubConnectionState.Connected) return null;
    try {
      return await this.connection.invoke<ResumeResult>(HubMethods.resume, { positions });
    } catch (error) {
      // Dropped under the call: not an answer. The Resume after the reconnect covers the same positions.
      if (this.connection.state !== this.#signalR.HubConnectionState.Connected) return null;
      throw error;
    }
  }

  #deliver(eventName: string, envelope: TenantEnvelope): void {
    for (const handler of [...(this.#handlers.get(eventName) ?? [])]) {
      try {
        const result = handler(envelope);
        if (result && typeof (result as Promise<void>).catch === "function") {
          (result as Promise<void>).catch(error => this.#onError(`TenantRealtime: a handler of '${eventName}' failed.`, error));
        }
      } catch (error) {
        this.#onError(`TenantRealtime: a handler of '${eventName}' failed.`, error);
      }
    }
  }

  async #raiseReload(rooms: readonly string[], reason: ReloadReason): Promise<void> {
    if (this.#reloadHandlers.size === 0) {
      this.#onError(`TenantRealtime: rooms ${rooms.join(", ")} need a reload (${reason}) and no onReloadRequired handler is registered.`);
      return;
    }
    for (const handler of [...this.#reloadHandlers]) {
      try {
        await handler(rooms, reason);
      } catch (error) {
        this.#onError("TenantRealtime: an onReloadRequired handler failed.", error);
      }
    }
  }

  #setStatus(status: ConnectionStatus, error?: Error): void {
    this.#status = status;
    for (const handler of [...this.#statusHandlers]) {
      try {
        handler(status, error);
      } catch (handlerError) {
        this.#onError("TenantRealtime: an onStatusChanged handler failed.", handlerError);
      }
    }
  }
}

/** Users in the order `presence()` lists them: by when they came, then by id (ISO times of any precision compared as times). */
function byOnlineSince(a: PresenceUser, b: PresenceUser): number {
  const at = Date.parse(a.onlineSince);
  const bt = Date.parse(b.onlineSince);
  const byTime = Number.isNaN(at) || Number.isNaN(bt) ? a.onlineSince.localeCompare(b.onlineSince) : at - bt;
  return byTime || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

/** Whether a request names the topic of an answer (the ids left out default to the connection's, as the server resolved them). */
function sameTopic(request: TopicRequest, result: TopicResult): boolean {
  return request.scope === result.scope && request.topic === result.topic
    && (request.organizationId ?? result.organizationId) === result.organizationId
    && (request.tenantId ?? result.tenantId) === result.tenantId;
}

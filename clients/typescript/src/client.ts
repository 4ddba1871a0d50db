// The client: a SignalR HubConnection with automatic reconnect, typed broadcast handlers and recovery built in.
// It takes the SignalR namespace as a parameter (index.ts passes the npm package, browser.ts the page's UMD build),
// so this file and everything it imports load in a browser without a bundler.
import type * as SignalR from "@microsoft/signalr";
import type { TenantEnvelope } from "./envelope.js";
import { TenantRetryPolicy, DEFAULT_RECONNECT_DELAYS_MS, isRefusedForNow, refusedRetryDelayMs } from "./retry.js";
import { RoomRecovery, type ReloadReason } from "./recovery.js";
import type { PositionStore } from "./storage.js";
import { StateMaps, type StateChange } from "./state.js";
import {
  HubEvents,
  HubMethods,
  type AuthenticateResult,
  type JoinOrganizationResult,
  type PresenceEventData,
  type PresenceRequest,
  type PresenceScope,
  type PresenceSnapshot,
  type ResumeResult,
  type RoomPosition,
  type StateMessage,
  type StateVersion,
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
      positionsChanged: this.#store ? () => this.#store!.save(this.#recovery.positions()) : undefined,
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
    this.connection.on(eventName, (envelope: TenantEnvelope) => this.#recovery.receive(eventName, envelope));
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
   * after each reconnect, and at a `start()` that resumed saved positions (a page reload, a start after `stop()`).
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
      if (saved) this.#recovery.seed(saved);
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
    const states = this.#states.versions();
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

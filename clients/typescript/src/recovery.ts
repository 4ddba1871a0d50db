// The client's half of missed-message recovery: per-room positions, ordering, dedupe and gap recovery, separate from
// SignalR so it can be tested on its own. The same algorithm as the .NET client (TenantRealtime.Client's RoomRecovery).
// Not called a sequencer: it numbers nothing (the server does), and the server's Redis reordering is another job.
import type { TenantEnvelope } from "./envelope.js";
import { ErrorCodes, type ResumeResult, type RoomPosition } from "./wire.js";

/** Why a room must be reloaded from the application's source of truth. */
export type ReloadReason =
  /** `Resume` could not replay what was missed (past the server's history, or another epoch). */
  | "not-recovered"
  /** A broadcast came with another epoch: the room's history was lost on the server. */
  | "epoch-changed"
  /** A gap stayed open after `Resume` (an event nobody listens to, see `track`). */
  | "gap-not-filled"
  /** `Resume` failed although connected. */
  | "resume-failed"
  /** The connection no longer holds the room; the client stops tracking it. */
  | "forbidden";

/** The timers the recovery uses; tests inject their own. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the recovery needs from its client. */
export interface RoomRecoveryOptions {
  /** Hands one envelope to the application's handlers. */
  deliver(eventName: string, envelope: TenantEnvelope): void;
  /** Invokes `Resume`; resolves null when there is no connection to ask (the next reconnect asks again). */
  resume(positions: RoomPosition[]): Promise<ResumeResult | null>;
  /** Runs the application's reload; envelopes received meanwhile are held and applied after it settles. */
  reload(rooms: readonly string[], reason: ReloadReason): Promise<void>;
  /** Told after any position changed (to persist them). */
  positionsChanged?(): void;
  /** Told about failures that have no caller to throw to. */
  log(message: string, error?: unknown): void;
  /** How long an envelope that skips ahead waits for the missing ones before `Resume` is asked. */
  reorderWindowMs: number;
  timers?: Timers;
}

interface RoomState {
  room: string;
  epoch: string | null;
  applied: number;
  /** The next envelope starts the room whatever its seq (a room never seen, or just reloaded). */
  rebase: boolean;
  held: Map<number, [string, TenantEnvelope]>;
  timer: unknown;
  /** The position a gap was last resumed from, or -1: a second window at the same position means reload. */
  resumedFrom: number;
}

type Tracked = TenantEnvelope & { room: string; seq: number; epoch: string };

function isTracked(envelope: TenantEnvelope | null | undefined): envelope is Tracked {
  return !!envelope && typeof envelope.seq === "number" && typeof envelope.room === "string" && typeof envelope.epoch === "string";
}

/** Applies each broadcast once, in its room's order; asks `Resume` for gaps and reloads what cannot be recovered. */
export class RoomRecovery {
  readonly #options: RoomRecoveryOptions;
  readonly #timers: Timers;
  readonly #rooms = new Map<string, RoomState>();
  /** Envelopes received while the application reloads, applied after it; null when no reload runs. */
  #queue: [string, TenantEnvelope][] | null = null;
  #reloading: Promise<void> | null = null;
  #reloadRequests: { rooms: readonly string[]; reason: ReloadReason }[] = [];
  #resuming = false;

  /** Counters, for diagnostics and tests. */
  readonly stats = { applied: 0, duplicates: 0 };

  constructor(options: RoomRecoveryOptions) {
    this.#options = options;
    this.#timers = options.timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: handle => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
  }

  /** The last applied position of every room known, as `Resume` takes them. */
  positions(): RoomPosition[] {
    return [...this.#rooms.values()]
      .filter(s => s.epoch !== null)
      .map(s => ({ room: s.room, epoch: s.epoch as string, seq: s.applied }));
  }

  /** Takes positions from before (a page reload): the rooms continue from them, and the next `resumeAll` asks for the rest. */
  seed(positions: readonly RoomPosition[]): void {
    for (const p of positions) {
      const state = this.#room(p.room);
      state.epoch = p.epoch;
      state.applied = p.seq;
      state.rebase = false;
    }
    this.#changed();
  }

  /**
   * Takes the server's current positions (from `Authenticate` or `JoinOrganization`) for rooms the client has no
   * position in, so a room where nothing was received yet can be resumed after a drop.
   */
  adopt(positions: readonly RoomPosition[]): void {
    let changed = false;
    for (const p of positions) {
      if (!p || typeof p.room !== "string" || typeof p.epoch !== "string" || typeof p.seq !== "number") continue;
      const state = this.#room(p.room);
      if (state.epoch !== null || state.held.size > 0) continue; // what was received is at least as recent
      state.epoch = p.epoch;
      state.applied = p.seq;
      state.rebase = false;
      changed = true;
    }
    if (changed) this.#changed();
  }

  /** Takes one received envelope: applies it, holds it until a gap before it fills, or drops it as a duplicate. */
  receive(eventName: string, envelope: TenantEnvelope): void {
    if (this.#queue) {
      this.#queue.push([eventName, envelope]);
      return;
    }

    // No position (recovery off on the server): nothing to order.
    if (!isTracked(envelope)) {
      this.#applyOne(eventName, envelope);
      return;
    }

    const state = this.#room(envelope.room);
    if (!state.rebase && state.epoch !== null && envelope.epoch !== state.epoch) {
      // The room's history was lost on the server: seq counts from a new start and what lay between our position
      // and this envelope is gone. Reload; this envelope is queued and applied after the reload as the room's start.
      void this.reload([state.room], "epoch-changed");
      this.#queue!.push([eventName, envelope]);
      return;
    }

    if (!state.rebase && envelope.seq <= state.applied) {
      this.stats.duplicates++; // a replay of something applied, or the same broadcast twice
      return;
    }

    if (state.rebase || envelope.seq === state.applied + 1) {
      this.#applyTracked(state, eventName, envelope);
      this.#drain(state);
      return;
    }

    // Ahead of a gap: two servers broadcasting to one room may deliver out of order. Wait a little before asking.
    if (!state.held.has(envelope.seq)) state.held.set(envelope.seq, [eventName, envelope]);
    this.#armGapTimer(state);
  }

  /**
   * After a reconnect (or a start with positions from before): asks for everything after every position. The
   * replays arrive as ordinary events before `Resume` answers and go through `receive`, so dedupe and order hold.
   * Resolves with the server's answer, or null when there was nothing to ask or no connection to ask. With `only`,
   * asks for those rooms alone (a topic subscribed again from a stored position).
   */
  async resumeAll(only?: ReadonlySet<string>): Promise<ResumeResult | null> {
    const positions = this.positions().filter(p => !only || only.has(p.room));
    if (positions.length === 0) return null;

    this.#resuming = true;
    let result: ResumeResult | null;
    try {
      result = await this.#options.resume(positions);
    } catch (error) {
      // Connected, yet the server refused or failed: what was missed cannot be known, so reload.
      this.#options.log("TenantRealtime: Resume failed; reloading the rooms.", error);
      this.#resuming = false;
      await this.reload(positions.map(p => p.room), "resume-failed");
      return null;
    } finally {
      this.#resuming = false;
      this.#rearmHeld();
    }

    if (result === null) return null; // dropped again under the call: the next reconnect asks from the same positions
    await this.#settle(result);
    return result;
  }

  /**
   * Runs the application's reload with the rooms' positions reset, holding every envelope that arrives meanwhile to
   * apply it afterwards: the snapshot may be older than such an envelope, or newer (then it is applied idempotently).
   * What was held ahead of a gap before is covered by the snapshot and dropped.
   */
  reload(rooms: readonly string[], reason: ReloadReason): Promise<void> {
    for (const room of rooms) this.reset(room);
    if (reason === "forbidden") {
      for (const room of rooms) this.#rooms.delete(room);
      this.#changed();
    }
    this.#queue ??= [];
    this.#reloadRequests.push({ rooms, reason });
    this.#reloading ??= this.#runReloads();
    return this.#reloading;
  }

  /** Drops what is held for the room and lets its next envelope start it afresh. */
  reset(room: string): void {
    const state = this.#rooms.get(room);
    if (!state) return;
    state.held.clear();
    this.#stopGapTimer(state);
    state.rebase = true;
    state.resumedFrom = -1;
  }

  /** Stops tracking a room without a reload (a topic left or taken away): its position and what is held are dropped. */
  forget(room: string): void {
    const state = this.#rooms.get(room);
    if (!state) return;
    this.#stopGapTimer(state);
    this.#rooms.delete(room);
    this.#changed();
  }

  /** Stops every timer (the client is disposed). */
  dispose(): void {
    for (const state of this.#rooms.values()) this.#stopGapTimer(state);
  }

  async #settle(result: ResumeResult): Promise<void> {
    const lost = (result.rooms ?? []).filter(r => !r.recovered);
    const forbidden = lost.filter(r => r.error === ErrorCodes.forbidden).map(r => r.room);
    const notRecovered = lost.filter(r => r.error !== ErrorCodes.forbidden).map(r => r.room);
    const reloads: Promise<void>[] = [];
    if (forbidden.length > 0) reloads.push(this.reload(forbidden, "forbidden"));
    if (notRecovered.length > 0) reloads.push(this.reload(notRecovered, "not-recovered"));
    await Promise.all(reloads);
  }

  async #runReloads(): Promise<void> {
    try {
      // A reload asked for while one runs may concern broadcasts its snapshot missed: run another after it.
      while (this.#reloadRequests.length > 0) {
        const batch = this.#reloadRequests.splice(0);
        const byReason = new Map<ReloadReason, Set<string>>();
        for (const request of batch) {
          const rooms = byReason.get(request.reason) ?? new Set<string>();
          for (const room of request.rooms) rooms.add(room);
          byReason.set(request.reason, rooms);
        }
        for (const [reason, rooms] of byReason) {
          try {
            await this.#options.reload([...rooms], reason);
          } catch (error) {
            this.#options.log("TenantRealtime: the reload handler failed.", error);
          }
        }
      }
    } finally {
      const queued = this.#queue ?? [];
      this.#queue = null;
      this.#reloading = null;
      for (const [eventName, envelope] of queued) this.receive(eventName, envelope);
    }
  }

  #room(room: string): RoomState {
    let state = this.#rooms.get(room);
    if (!state) {
      state = { room, epoch: null, applied: 0, rebase: true, held: new Map(), timer: null, resumedFrom: -1 };
      this.#rooms.set(room, state);
    }
    return state;
  }

  #applyTracked(state: RoomState, eventName: string, envelope: Tracked): void {
    state.epoch = envelope.epoch;
    state.applied = envelope.seq;
    state.rebase = false;
    this.#applyOne(eventName, envelope);
    this.#changed();
  }

  #applyOne(eventName: string, envelope: TenantEnvelope): void {
    this.stats.applied++;
    try {
      this.#options.deliver(eventName, envelope);
    } catch (error) {
      // One failing handler must not stop the room's order.
      this.#options.log(`TenantRealtime: a handler of '${eventName}' failed.`, error);
    }
  }

  #changed(): void {
    try {
      this.#options.positionsChanged?.();
    } catch (error) {
      this.#options.log("TenantRealtime: saving the positions failed.", error);
    }
  }

  /** Applies what was held and now follows the position without a gap. */
  #drain(state: RoomState): void {
    for (;;) {
      if (this.#queue) return; // a handler started a reload; what is held is covered by its snapshot
      for (const seq of state.held.keys()) {
        if (seq <= state.applied) state.held.delete(seq);
      }
      const next = state.held.get(state.applied + 1);
      if (!next) break;
      state.held.delete(state.applied + 1);
      this.#applyTracked(state, next[0], next[1] as Tracked);
    }

    if (state.held.size === 0) {
      this.#stopGapTimer(state);
      state.resumedFrom = -1;
    }
  }

  #armGapTimer(state: RoomState): void {
    state.timer ??= this.#timers.setTimeout(() => void this.#onGapTimer(state.room), this.#options.reorderWindowMs);
  }

  #stopGapTimer(state: RoomState): void {
    if (state.timer !== null) this.#timers.clearTimeout(state.timer);
    state.timer = null;
  }

  #rearmHeld(): void {
    for (const state of this.#rooms.values()) {
      if (state.held.size > 0) this.#armGapTimer(state);
    }
  }

  /**
   * The reorder window ran out with a gap open: ask `Resume` for it once. If another window passes at the same
   * position, what is missing will not come (an event nobody listens to), so reload.
   */
  async #onGapTimer(room: string): Promise<void> {
    const state = this.#rooms.get(room);
    if (!state) return;
    state.timer = null;
    if (state.held.size === 0) return;
    if (this.#resuming || this.#queue) {
      this.#armGapTimer(state); // a reconnect's Resume or a reload is under way and may settle it
      return;
    }

    if (state.resumedFrom === state.applied) {
      await this.reload([room], "gap-not-filled");
      return;
    }

    state.resumedFrom = state.applied;
    let result: ResumeResult | null;
    try {
      result = await this.#options.resume([{ room, epoch: state.epoch as string, seq: state.applied }]);
    } catch (error) {
      this.#options.log("TenantRealtime: Resume failed; reloading the room.", error);
      await this.reload([room], "resume-failed");
      return;
    }

    if (result === null) {
      state.resumedFrom = -1; // no connection: the reconnect's Resume covers it
      return;
    }

    const answer = (result.rooms ?? []).find(r => r.room === room);
    if (answer && !answer.recovered) {
      await this.#settle({ rooms: [answer] });
    } else if (state.held.size > 0 && this.#rooms.get(room) === state) {
      // The replays may still be on their way: one more window, then reload.
      this.#armGapTimer(state);
    }
  }
}


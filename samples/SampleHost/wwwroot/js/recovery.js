// Missed-message recovery for a TenantRealtime hub, in the browser. No framework, no page specifics: attach it to
// a @microsoft/signalr HubConnection, register your event handlers through it, and it hands each broadcast to them
// once and in its room's order, including what was sent while the connection was away; when that cannot be
// recovered it asks your app to reload its state instead, and it tells you which of the two happened.
//
// Why it is needed: SignalR loses everything sent while a client is away. TenantRealtime numbers every broadcast
// per room (`room`, `seq` 1, 2, 3… without gaps, `epoch` naming the room's history) and keeps a bounded history,
// so a client that knows where it stopped can ask for the rest with the hub method `Resume`.
//
//   const recovery = attachRecovery(connection, {
//     reload: async ({ rooms, reason }) => { /* refetch your state, e.g. over REST */ },
//     onRecovery: report => { /* show "Reconnected — 12 missed updates applied" */ },
//   });
//   recovery.on('incident-update', envelope => { ... });
//   await recovery.start();          // instead of connection.start(): connects, then loads your state once
//
// Limits worth knowing (they follow from the protocol, not from this module):
// - A room's position is learned from its envelopes. A room nothing arrived in since the state was loaded has no
//   position, so what it missed cannot be resumed; list the rooms your state is built from in `requiredRooms` and
//   the module reloads instead of resuming when one of them has no position.
// - `seq` counts every event sent to a room. An event you register no handler for leaves a gap that `Resume`
//   cannot fill for you (its replay goes unheard too), so it ends in a reload; register the others with
//   `recovery.track(name)`.

/** How long an envelope that skips ahead is held for the missing ones to arrive before `Resume` is asked. */
export const DEFAULT_REORDER_WINDOW_MS = 1000;

/**
 * The ordering and dedupe core, separate from SignalR so it can be tested on its own (`node --test`).
 * Per room: applied position, envelopes held ahead of a gap, the gap's timer.
 */
export class RoomSequencer {
  /**
   * @param {object} options
   * @param {(eventName: string, envelope: any) => void} options.apply  Hands one envelope to the app.
   * @param {(positions: {room: string, epoch: string, seq: number}[]) => Promise<{rooms: any[]} | null>} options.resume
   *   Invokes `Resume`; resolves null when there is no connection to ask (the next reconnect asks again).
   * @param {(request: {rooms: string[], reason: string}) => Promise<void>} options.reload  Reloads the app's state.
   * @param {(report: object) => void} [options.onRecovery]  Told about every resume after a reconnect and every reload.
   * @param {() => string[]} [options.requiredRooms]  Rooms the app's state is built from (see the limits above).
   * @param {number} [options.reorderWindowMs]
   * @param {{ setTimeout: Function, clearTimeout: Function }} [options.timers]  Injected by tests.
   */
  constructor({ apply, resume, reload, onRecovery = () => {}, requiredRooms = () => [], reorderWindowMs = DEFAULT_REORDER_WINDOW_MS, timers = globalThis }) {
    Object.assign(this, { apply, resumeCall: resume, reloadApp: reload, onRecovery, requiredRooms, reorderWindowMs, timers });
    this.rooms = new Map();
    this.queue = null;        // envelopes that arrive while the app reloads, applied after it (see reload)
    this.reloading = null;
    this.reloadRequests = [];
    this.resuming = false;
    this.stats = { applied: 0, duplicates: 0 };
  }

  /** The last applied position of every room seen, as `Resume` takes them. */
  positions() {
    return [...this.rooms.values()].filter(s => s.epoch !== null).map(s => ({ room: s.room, epoch: s.epoch, seq: s.applied }));
  }

  /** Takes one received envelope: applies it, holds it until a gap before it fills, or drops it as a duplicate. */
  receive(eventName, envelope) {
    if (this.queue) {
      this.queue.push([eventName, envelope]);
      return;
    }

    // No position (recovery off on the server, or a non-broadcast event such as `authenticated`): nothing to order.
    if (!envelope || typeof envelope.seq !== 'number' || typeof envelope.room !== 'string' || typeof envelope.epoch !== 'string') {
      this.#applyOne(eventName, envelope);
      return;
    }

    const state = this.#room(envelope.room);
    if (!state.rebase && envelope.epoch !== state.epoch) {
      // The room's history was lost on the server (restart, Redis without persistence): seq counts from a new
      // start, and what lay between our position and this envelope is gone. Reload; this envelope is queued and
      // applied after the reload as the room's new start.
      this.#reloadAndReport([state.room], 'epoch-changed', 'gap').catch(error => console.error(error));
      this.queue.push([eventName, envelope]);
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

    // Ahead of a gap. Two servers broadcasting to one room may deliver out of order; wait a little before asking.
    if (!state.held.has(envelope.seq)) state.held.set(envelope.seq, [eventName, envelope]);
    this.#armGapTimer(state);
  }

  /**
   * After a reconnect: asks for everything after every position and reports what happened. The replays arrive
   * as ordinary events, before `Resume` answers, and go through `receive` like any other, so dedupe and order hold.
   */
  async resumeAll() {
    const positions = this.positions();
    const known = new Set(positions.map(p => p.room));
    const unknown = this.requiredRooms().filter(room => !known.has(room));
    if (unknown.length > 0) {
      // Nothing arrived in these rooms since the state was loaded, so there is no position to resume from.
      await this.#reloadAndReport([...known, ...unknown], 'no-position', 'reconnect');
      return;
    }

    if (positions.length === 0) {
      this.onRecovery({ trigger: 'reconnect', replayed: 0, reloaded: false, rooms: [] });
      return;
    }

    this.resuming = true;
    let result;
    try {
      result = await this.resumeCall(positions);
    } catch (error) {
      // Connected, yet the server refused or failed: we cannot know what was missed, so reload.
      console.error('Resume failed', error);
      this.resuming = false;
      await this.#reloadAndReport(positions.map(p => p.room), 'resume-failed', 'reconnect');
      return;
    } finally {
      this.resuming = false;
      this.#rearmHeld();
    }

    if (result === null) return; // dropped again under the call: the next reconnect resumes from the same positions

    const lost = result.rooms.filter(r => !r.recovered);
    const replayed = result.rooms.filter(r => r.recovered).reduce((sum, r) => sum + r.replayed, 0);
    for (const r of lost) {
      // A room we no longer hold ("forbidden") must not be asked for again.
      if (r.error === 'forbidden') this.rooms.delete(r.room);
    }

    if (lost.length > 0) {
      await this.reload(lost.map(r => r.room), 'not-recovered');
    }

    this.onRecovery({ trigger: 'reconnect', replayed, reloaded: lost.length > 0, reason: lost.length > 0 ? 'not-recovered' : undefined, rooms: result.rooms });
  }

  /**
   * Runs the app's reload with the rooms' positions reset, and holds every envelope that arrives meanwhile to apply
   * it afterwards. Held back because the snapshot may be older than such an envelope; applied in order afterwards
   * (rather than dropped) because it may equally be newer. Envelopes received before the reload started are
   * already in the snapshot, so what was held ahead of a gap is dropped.
   */
  reload(rooms, reason) {
    for (const room of rooms) this.#reset(room);
    this.queue ??= [];
    this.reloadRequests.push({ rooms, reason });
    this.reloading ??= this.#runReloads();
    return this.reloading;
  }

  async #runReloads() {
    try {
      // A reload asked for while one runs may concern broadcasts its snapshot missed: run another after it.
      while (this.reloadRequests.length > 0) {
        const batch = this.reloadRequests.splice(0);
        const rooms = [...new Set(batch.flatMap(b => b.rooms))];
        try {
          await this.reloadApp({ rooms, reason: batch[0].reason });
        } catch (error) {
          console.error('Reloading the state failed', error);
        }
      }
    } finally {
      const queued = this.queue;
      this.queue = null;
      this.reloading = null;
      for (const [eventName, envelope] of queued) this.receive(eventName, envelope);
    }
  }

  async #reloadAndReport(rooms, reason, trigger) {
    await this.reload(rooms, reason);
    this.onRecovery({ trigger, replayed: 0, reloaded: true, reason, rooms: rooms.map(room => ({ room, recovered: false, replayed: 0 })) });
  }

  #room(room) {
    let state = this.rooms.get(room);
    if (!state) {
      // rebase: the first envelope of a room never seen (or just reloaded) is its start, whatever its seq.
      state = { room, epoch: null, applied: 0, rebase: true, held: new Map(), timer: null, resumedFrom: -1 };
      this.rooms.set(room, state);
    }
    return state;
  }

  #reset(room) {
    const state = this.rooms.get(room);
    if (!state) return;
    state.held.clear();
    this.#stopGapTimer(state);
    state.rebase = true;
    state.resumedFrom = -1;
  }

  #applyTracked(state, eventName, envelope) {
    state.epoch = envelope.epoch;
    state.applied = envelope.seq;
    state.rebase = false;
    this.#applyOne(eventName, envelope);
  }

  #applyOne(eventName, envelope) {
    this.stats.applied++;
    try {
      this.apply(eventName, envelope);
    } catch (error) {
      // One failing handler must not stop the room's order.
      console.error(`Handler for '${eventName}' failed`, error);
    }
  }

  /** Applies what was held and now follows the position without a gap. */
  #drain(state) {
    for (;;) {
      if (this.queue) return; // a handler started a reload; the held ones are covered by its snapshot
      for (const seq of state.held.keys()) {
        if (seq <= state.applied) state.held.delete(seq);
      }
      const next = state.held.get(state.applied + 1);
      if (!next) break;
      state.held.delete(state.applied + 1);
      this.#applyTracked(state, ...next);
    }

    if (state.held.size === 0) {
      this.#stopGapTimer(state);
      state.resumedFrom = -1;
    }
  }

  #armGapTimer(state) {
    state.timer ??= this.timers.setTimeout(() => this.#onGapTimer(state.room), this.reorderWindowMs);
  }

  #stopGapTimer(state) {
    if (state.timer !== null) this.timers.clearTimeout(state.timer);
    state.timer = null;
  }

  #rearmHeld() {
    for (const state of this.rooms.values()) {
      if (state.held.size > 0) this.#armGapTimer(state);
    }
  }

  /**
   * The reorder window ran out with a gap open: ask `Resume` for it once. If another window passes at the same
   * position, what is missing will not come (an event nobody listens to), so reload.
   */
  async #onGapTimer(room) {
    const state = this.rooms.get(room);
    if (!state) return;
    state.timer = null;
    if (state.held.size === 0) return;
    if (this.resuming || this.queue) {
      this.#armGapTimer(state); // a reconnect's Resume or a reload is under way and may settle it
      return;
    }

    if (state.resumedFrom === state.applied) {
      await this.#reloadAndReport([room], 'gap-not-filled', 'gap');
      return;
    }

    state.resumedFrom = state.applied;
    let result;
    try {
      result = await this.resumeCall([{ room, epoch: state.epoch, seq: state.applied }]);
    } catch (error) {
      console.error('Resume failed', error);
      await this.#reloadAndReport([room], 'resume-failed', 'gap');
      return;
    }

    if (result === null) {
      state.resumedFrom = -1; // no connection: the reconnect's Resume covers it
      return;
    }

    const answer = result.rooms.find(r => r.room === room);
    if (answer && !answer.recovered) {
      if (answer.error === 'forbidden') this.rooms.delete(room);
      await this.#reloadAndReport([room], 'not-recovered', 'gap');
    } else if (state.held.size > 0 && this.rooms.get(room) === state) {
      this.#armGapTimer(state); // one more window; then reload
    }
  }
}

/**
 * Attaches recovery to a HubConnection (not started yet). Use `start()` instead of `connection.start()`, and `on()`
 * instead of `connection.on()` for broadcast events; other hub events may stay on the connection.
 *
 * @param {signalR.HubConnection} connection  Built with `withAutomaticReconnect()`.
 * @param {object} options  `reload` (required), `onRecovery`, `requiredRooms`, `reorderWindowMs`: see RoomSequencer.
 */
export function attachRecovery(connection, options) {
  const handlers = new Map();
  const sequencer = new RoomSequencer({
    ...options,
    apply: (eventName, envelope) => handlers.get(eventName)?.(envelope),
    resume: async positions => {
      try {
        return await connection.invoke('Resume', { positions });
      } catch (error) {
        // Dropped under the call: not an answer. The Resume after the reconnect covers the same positions.
        if (connection.state !== 'Connected') return null;
        throw error;
      }
    },
  });

  let started = false;

  // Also after a restart that follows onclose (automatic reconnect gave up): see start().
  connection.onreconnected(() => sequencer.resumeAll().catch(error => console.error(error)));

  return {
    /** Registers the app's handler for a broadcast event; it receives each envelope once, in its room's order. */
    on(eventName, handler) {
      if (!handlers.has(eventName)) connection.on(eventName, envelope => sequencer.receive(eventName, envelope));
      handlers.set(eventName, handler);
    },

    /** Counts an event toward its room's position without handling it, so it leaves no gap. */
    track(eventName) {
      this.on(eventName, handlers.get(eventName) ?? (() => {}));
    },

    /**
     * Starts the connection. The first time, it then loads the app's state (`reload` with reason 'initial') with
     * events held meanwhile, so none falls between the snapshot and the live stream; after that, a start (the app
     * restarting a closed connection) resumes like a reconnect. Returns `Authenticate`'s answer (identity, rooms).
     */
    async start() {
      await connection.start();
      // start() completes at the handshake, before the server has put the connection in its rooms; an answered
      // invocation means it has (invocations run after the connection is set up), so nothing is missed between.
      const me = await connection.invoke('Authenticate', {});
      if (!started) {
        started = true;
        await sequencer.reload([], 'initial');
      } else {
        await sequencer.resumeAll();
      }
      return me;
    },

    /** Reloads the app's state now (holding events meanwhile), e.g. when the app has its own reason to. */
    reload: (reason = 'app') => sequencer.reload(sequencer.positions().map(p => p.room), reason),

    /** Last applied `{room, epoch, seq}` of every room seen. */
    positions: () => sequencer.positions(),

    stats: sequencer.stats,
  };
}

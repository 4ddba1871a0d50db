// The client's keyed state: per room, the latest value of each key with the state's epoch and version, kept from the
// server's `state` events. Separate from SignalR so it can be tested on its own; the same rules as the .NET client's
// StateMaps: a whole state replaces, changes set and remove keys, a version at or below the one held is dropped, and a
// change the client cannot apply (another epoch, a room never held) asks for the room's whole state once.
import type { StateMessage, StateVersion } from "./wire.js";

/** One key of a room's state that changed: set to `value`, or removed (`removed: true`, no value). */
export interface StateChange<T = unknown> {
  room: string;
  key: string;
  value?: T;
  removed: boolean;
}

/** A room's state as kept between page loads: its values with their epoch and version. */
export interface StoredRoomState extends StateVersion {
  values: Record<string, unknown>;
}

/** What applying one message did. */
export type StateOutcome =
  | "applied"
  | "dropped"
  /** A change the client cannot apply: ask the room's whole state (`GetState`). */
  | "request-whole"
  /** Same, but already asked and not answered yet: dropped. */
  | "already-requested";

interface RoomMap {
  epoch: string;
  version: number;
  values: Map<string, unknown>;
}

/** Every room's state map. */
export class StateMaps {
  readonly #rooms = new Map<string, RoomMap>();
  readonly #requested = new Set<string>();

  /** Applies one `state` event; `changes` receives each key set or removed. */
  apply(message: StateMessage, changes: StateChange[] = []): StateOutcome {
    const held = this.#rooms.get(message.room);
    const set = message.set ?? {};
    if (message.full) {
      if (held && held.epoch === message.epoch && message.version <= held.version && !this.#requested.has(message.room)) return "dropped";
      this.#requested.delete(message.room);
      const next = new Map(Object.entries(set));
      if (held) {
        for (const key of held.values.keys()) {
          if (!next.has(key)) changes.push({ room: message.room, key, removed: true });
        }
      }
      for (const [key, value] of next) {
        if (!held || !held.values.has(key) || !sameJson(held.values.get(key), value)) changes.push({ room: message.room, key, value, removed: false });
      }
      this.#rooms.set(message.room, { epoch: message.epoch, version: message.version, values: next });
      return "applied";
    }

    if (held && held.epoch === message.epoch && message.version <= held.version) return "dropped";
    // A version more than one above is fine: the server skips only versions it replaced with a later change of the same
    // key (a slow connection's queue); it never lets a connection miss one otherwise.
    if (!held || held.epoch !== message.epoch) {
      if (this.#requested.has(message.room)) return "already-requested";
      this.#requested.add(message.room);
      return "request-whole";
    }

    for (const key of message.removed ?? []) {
      if (held.values.delete(key)) changes.push({ room: message.room, key, removed: true });
    }
    for (const [key, value] of Object.entries(set)) {
      held.values.set(key, value);
      changes.push({ room: message.room, key, value, removed: false });
    }
    held.version = message.version;
    return "applied";
  }

  /** The request for a room's whole state failed: the next change that cannot be applied asks again. */
  requestFailed(room: string): void {
    this.#requested.delete(room);
  }

  /** Forgets a room (the connection no longer holds it); returns its keys as removed. */
  forget(room: string): StateChange[] {
    this.#requested.delete(room);
    const held = this.#rooms.get(room);
    if (!held) return [];
    this.#rooms.delete(room);
    return [...held.values.keys()].map(key => ({ room, key, removed: true }));
  }

  /** A copy of a room's values; empty when none is held. */
  snapshot<T>(room: string): ReadonlyMap<string, T> {
    return new Map(this.#rooms.get(room)?.values ?? []) as ReadonlyMap<string, T>;
  }

  /** The epoch and version held for a room, or null. */
  version(room: string): StateVersion | null {
    const held = this.#rooms.get(room);
    return held ? { room, epoch: held.epoch, version: held.version } : null;
  }

  /** The versions held, as `Resume`'s `states`. */
  versions(): StateVersion[] {
    return [...this.#rooms].map(([room, held]) => ({ room, epoch: held.epoch, version: held.version }));
  }

  /** Every room with its values, to keep across a page load. */
  export(): StoredRoomState[] {
    return [...this.#rooms].map(([room, held]) => ({ room, epoch: held.epoch, version: held.version, values: Object.fromEntries(held.values) }));
  }

  /** Takes rooms kept from before (a page reload): the next `Resume` names their versions and gets only changes. */
  seed(rooms: readonly StoredRoomState[]): void {
    for (const room of rooms) {
      this.#rooms.set(room.room, { epoch: room.epoch, version: room.version, values: new Map(Object.entries(room.values)) });
    }
  }
}

function sameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  try {
    return JSON.stringify(left) === JSON.stringify(right);
  } catch {
    return false;
  }
}

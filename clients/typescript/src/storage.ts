// Optional persistence of room positions, so a page reload resumes instead of reloading everything. It only helps
// an application that keeps its own state across the reload too (for example in sessionStorage): positions say what
// the state already contains, and resuming from them without that state would skip what the state lacks.
import type { StoredRoomState } from "./state.js";
import type { RoomPosition } from "./wire.js";

/** Where a client keeps its positions between page loads. */
export interface PositionStore {
  /** The positions saved before, or nothing. Called once, by the first `start()`. */
  load(): readonly RoomPosition[] | null | undefined | Promise<readonly RoomPosition[] | null | undefined>;
  /** Saves the current positions; called synchronously after each applied broadcast, after its handlers ran. */
  save(positions: readonly RoomPosition[]): void;
  /**
   * Optional: keeps rooms' keyed state (values, epoch and version together), so that after a reload the client names
   * its versions in `Resume` and gets only the keys changed since. A store without it keeps no state: the client then
   * names no versions and gets each room's whole state.
   */
  states?: StateStore;
}

/** Where a client keeps its rooms' keyed state between page loads: values and versions always together. */
export interface StateStore {
  /** The rooms saved before, or nothing. Called once, by the first `start()`. */
  load(): readonly StoredRoomState[] | null | undefined | Promise<readonly StoredRoomState[] | null | undefined>;
  /** Saves every room's state; the client calls it throttled (`stateSaveIntervalMs`), not after each change. */
  save(rooms: readonly StoredRoomState[]): void;
}

/** The part of the Web Storage API a store needs (`sessionStorage`, `localStorage`, or your own). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The default storage key; use one per identity when several users share a browser profile. */
export const DEFAULT_POSITIONS_KEY = "tenantrealtime:positions";

/** A store over a Web Storage object: `storagePositionStore(sessionStorage, "positions:" + userId)`. */
export function storagePositionStore(storage: StorageLike, key: string = DEFAULT_POSITIONS_KEY): PositionStore {
  const statesKey = `${key}:states`;
  return {
    states: {
      load() {
        const text = storage.getItem(statesKey);
        if (!text) return null;
        try {
          const parsed: unknown = JSON.parse(text);
          return Array.isArray(parsed) ? parsed.filter(isStoredState) : null;
        } catch {
          return null; // written by something else: start without state (the server sends it whole)
        }
      },
      save(rooms) {
        storage.setItem(statesKey, JSON.stringify(rooms));
      },
    },
    load() {
      const text = storage.getItem(key);
      if (!text) return null;
      try {
        const parsed: unknown = JSON.parse(text);
        return Array.isArray(parsed) ? parsed.filter(isPosition) : null;
      } catch {
        return null; // written by something else: start without positions
      }
    },
    save(positions) {
      storage.setItem(key, JSON.stringify(positions));
    },
  };
}

/** A store in the page's `sessionStorage` (one tab, survives reloads, not the tab's closing). */
export function sessionStoragePositionStore(key: string = DEFAULT_POSITIONS_KEY): PositionStore {
  const storage = (globalThis as { sessionStorage?: StorageLike }).sessionStorage;
  if (!storage) throw new Error("sessionStorage is not available here; pass a StorageLike to storagePositionStore.");
  return storagePositionStore(storage, key);
}

function isPosition(value: unknown): value is RoomPosition {
  const p = value as RoomPosition;
  return !!p && typeof p.room === "string" && typeof p.epoch === "string" && Number.isSafeInteger(p.seq) && p.seq >= 0;
}

function isStoredState(value: unknown): value is StoredRoomState {
  const s = value as StoredRoomState;
  return !!s && typeof s.room === "string" && typeof s.epoch === "string" && Number.isSafeInteger(s.version) && s.version >= 0
    && !!s.values && typeof s.values === "object" && !Array.isArray(s.values);
}

// The page's only realtime code: the TenantRealtime TypeScript client (@tenantrealtime/client, its one-file browser
// build copied into wwwroot/lib by the build) over the official SignalR browser client. The package connects, keeps
// each room's keyed state (what the page renders) and its broadcast order, resumes both after every reconnect and
// keeps them across page reloads in this tab's sessionStorage; this file adds what is the page's: restarting a
// connection that gave up, and telling the page what a reconnect recovered. The server decides which rooms the
// connection is in (from the token); the page never names a room to join.

import { createTenantRealtimeClient, sessionStoragePositionStore } from '../lib/tenantrealtime/tenantrealtime.browser.js';

const HUB_PATH = '/hubs/realtime';

// After these delays the client gives up; the page then keeps restarting every 15 s, because a status page left
// open on a wall screen should come back by itself when the server does.
const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10000, 15000];
const RESTART_DELAY_MS = 15000;

/**
 * @param {object} options
 * @param {() => Promise<string>} options.accessToken  Returns a current bearer token (it may refresh it).
 * @param {Record<string, (envelope: any) => void>} options.handlers  Broadcast event name → handler of its envelope.
 * @param {(change: {room: string, key: string, value?: any, removed: boolean}) => void} options.onStateChanged  A key
 *   of a room's state was set or removed (the client's map already has it).
 * @param {(state: 'connecting'|'connected'|'reconnecting'|'disconnected', detail?: string) => void} options.onState
 * @param {(report: {trigger: 'restore'|'reconnect', replayed: number, whole: boolean}) => void} options.onRecovery
 *   What a resume brought: `replayed` keys changed or removed meanwhile, or (`whole`) a room's whole state.
 * @param {(rooms: string[], reason: string) => void} options.onEventsMissed  Broadcasts that could not be replayed:
 *   only the event log misses them, the state is whole either way.
 * @param {string} options.positionsKey  sessionStorage key of the rooms' positions and states (one per identity).
 * @param {(envelope: any) => void} [options.onPresence]  Presence events (who came online or left).
 */
export function createRealtime({ accessToken, handlers, onStateChanged, onState, onRecovery, onEventsMissed, positionsKey, onPresence }) {
  const client = createTenantRealtimeClient(HUB_PATH, {
    signalR: window.signalR,
    accessTokenFactory: accessToken,
    reconnectDelaysMs: RETRY_DELAYS_MS,
    logging: signalR.LogLevel.Warning,
    positionStore: sessionStoragePositionStore(positionsKey),
  });

  let started = false; // the first start resumes only what this tab saved before a page reload
  let stopped = false;
  let restartTimer = null;

  for (const [eventName, handler] of Object.entries(handlers)) client.on(eventName, handler);
  client.onStateChanged(onStateChanged);
  client.onReloadRequired(onEventsMissed);
  if (onPresence) client.onPresence(onPresence);

  client.onStatusChanged((status, error) => {
    onState(status, error?.message);
    if (status === 'disconnected') scheduleRestart();
  });

  // Raised once the client is connected again, the changed keys applied: after a reconnect, and at a first start
  // that resumed a saved state (a page reload).
  client.onResumed(result => {
    const states = result.states ?? [];
    onRecovery({
      trigger: started ? 'reconnect' : 'restore',
      replayed: states.reduce((sum, room) => sum + room.replayed, 0),
      whole: states.some(room => !room.recovered),
    });
  });

  function scheduleRestart() {
    if (stopped || restartTimer !== null) return;
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void start();
    }, RESTART_DELAY_MS);
  }

  /**
   * Connects; resolves with the hub's `Authenticate` answer (identity, rooms) once the client holds the state of its
   * rooms, or with null when the server could not be reached (the page retries by itself).
   */
  async function start() {
    if (stopped || client.status !== 'disconnected') return null;
    try {
      return await client.start();
    } catch {
      return null; // the client reported `disconnected` with the reason; a restart is scheduled
    } finally {
      started = true;
    }
  }

  async function stop() {
    stopped = true;
    clearTimeout(restartTimer);
    await client.stop();
  }

  return {
    start,
    stop,
    identity: () => client.identity,
    state: room => client.state(room),
    holdsState: room => client.stateVersion(room) !== null,
    loadState: room => client.loadState(room),
    getPresence: scope => client.getPresence(scope),
    /** Subscribes to a topic; the handle's presence() lists its viewers where the host tracks them. */
    subscribe: request => client.subscribe(request),
  };
}

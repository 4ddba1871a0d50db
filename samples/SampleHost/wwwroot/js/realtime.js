// The page's only realtime code: the TenantRealtime TypeScript client (@tenantrealtime/client, its one-file browser
// build copied into wwwroot/lib by the build) over the official SignalR browser client. The package connects, keeps
// each room's order, drops duplicates, resumes after every reconnect and says when a room must be reloaded; this file
// adds what is the page's: holding pushes while the first state loads, restarting a connection that gave up, and
// telling the page what a reconnect recovered. The server decides which rooms the connection is in (from the
// token); the page never names a room to join.

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
 * @param {(state: 'connecting'|'connected'|'reconnecting'|'disconnected', detail?: string) => void} options.onState
 * @param {(request: {rooms: string[], reason: string}) => Promise<void>} options.loadState  Loads the whole state
 *   over REST: after the first connect (unless `restored`), and when missed updates cannot be recovered.
 * @param {(report: object) => void} options.onRecovery  What a reconnect recovered, or that the state was reloaded.
 * @param {string} options.positionsKey  sessionStorage key of the rooms' positions (one per identity).
 * @param {boolean} options.restored  The page restored its state from this tab's sessionStorage, with the
 *   positions it matches: the first connect resumes from them instead of loading the state.
 * @param {(envelope: any) => void} [options.onPresence]  Presence events (who came online or left); not numbered, so
 *   they never count as missed updates.
 */
export function createRealtime({ accessToken, handlers, onState, loadState, onRecovery, positionsKey, restored, onPresence }) {
  const client = createTenantRealtimeClient(HUB_PATH, {
    signalR: window.signalR,
    accessTokenFactory: accessToken,
    reconnectDelaysMs: RETRY_DELAYS_MS,
    logging: signalR.LogLevel.Warning,
    positionStore: sessionStoragePositionStore(positionsKey),
  });

  let loaded = restored;
  let held = null;     // pushes that arrive while the first state loads, applied after it (the snapshot may be older)
  let away = null;     // what happened since the connection was lost: reported once it is back
  let stopped = false;
  let restartTimer = null;

  for (const [eventName, handler] of Object.entries(handlers)) {
    client.on(eventName, envelope => {
      if (held) {
        held.push([handler, envelope]);
        return;
      }
      if (away) away.applied++;
      handler(envelope);
    });
  }

  if (onPresence) client.onPresence(onPresence);

  client.onStatusChanged((status, error) => {
    onState(status, error?.message);
    if (status === 'reconnecting' || status === 'disconnected') {
      if (loaded) away ??= newReport('reconnect');
      if (status === 'disconnected') scheduleRestart();
    } else if (status === 'connecting' && loaded) {
      away ??= newReport('restore'); // the first connect of a page that restored its state: it resumes too
    } else if (status === 'connected' && away) {
      // The client reports `connected` once the rooms are resumed (and reloaded where needed), then hands the
      // server's Resume answer to onResumed in the same turn: report after both.
      queueMicrotask(reportRecovery);
    }
  });

  client.onResumed(result => {
    if (away) away.resumed = result;
  });

  client.onReloadRequired(async (rooms, reason) => {
    if (away) {
      away.reloaded = true;
      away.reason ??= reason;
    }
    await loadState({ rooms, reason });
    // Live, a gap that did not fill (an event the page does not handle) or a lost history (new epoch).
    if (!away) onRecovery({ trigger: 'gap', replayed: 0, reloaded: true, reason });
  });

  function newReport(trigger) {
    return { trigger, applied: 0, resumed: null, reloaded: false, reason: undefined };
  }

  function reportRecovery() {
    if (!away) return;
    const report = away;
    away = null;
    // The server's count from its Resume answer (after a reconnect, and at a start that resumed saved positions);
    // without one (nothing to resume), the pushes applied meanwhile.
    const replayed = report.resumed
      ? report.resumed.rooms.filter(r => r.recovered).reduce((sum, r) => sum + r.replayed, 0)
      : report.applied;
    onRecovery({ trigger: report.trigger, replayed, reloaded: report.reloaded, reason: report.reason });
  }

  function scheduleRestart() {
    if (stopped || restartTimer !== null) return;
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void start();
    }, RESTART_DELAY_MS);
  }

  /**
   * Connects; resolves with the hub's `Authenticate` answer (identity, rooms, positions) once the page's state is
   * loaded, restored or resumed, or with null when the server could not be reached (the page retries by itself).
   */
  async function start() {
    if (stopped || client.status !== 'disconnected') return null;
    if (!loaded) held = [];
    let me;
    try {
      // In the rooms with every position known (saved ones resumed first): nothing sent from here on is missed.
      me = await client.start();
    } catch {
      held = null; // the client reported `disconnected` with the reason; a restart is scheduled
      return null;
    }

    if (!loaded) {
      try {
        await loadState({ rooms: me.rooms, reason: 'initial' });
        loaded = true;
      } catch (error) {
        console.error('Loading the state failed', error);
      } finally {
        const pending = held;
        held = null;
        for (const [handler, envelope] of pending) handler(envelope);
      }
    }
    return me;
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
    positions: () => client.positions(),
    getPresence: scope => client.getPresence(scope),
  };
}

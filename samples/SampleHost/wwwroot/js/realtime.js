// The page's only realtime code: one SignalR connection to the tenant hub, with automatic reconnect and
// missed-message recovery (recovery.js). The server decides which rooms this connection is in (from the token);
// the page never names a room to join.

import { attachRecovery } from './recovery.js';

const HUB_PATH = '/hubs/realtime';

// After these delays SignalR gives up; we then keep retrying every 15 s, because a status page left open on a
// wall screen should come back by itself when the server does.
const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10000, 15000];
const RESTART_DELAY_MS = 15000;

/**
 * @param {object} options
 * @param {() => Promise<string>} options.accessToken  Returns a current bearer token (it may refresh it).
 * @param {Record<string, (envelope: any) => void>} options.handlers  Server event name → handler.
 * @param {(state: 'connecting'|'connected'|'reconnecting'|'disconnected', detail?: string) => void} options.onState
 * @param {(request: {rooms: string[], reason: string}) => Promise<void>} options.loadState  Loads the whole state
 *   (after connecting, and when missed updates cannot be recovered).
 * @param {() => string[]} options.requiredRooms  The rooms the page's state is built from.
 * @param {(report: object) => void} options.onRecovery  What a reconnect recovered, or that the state was reloaded.
 */
export function createRealtime({ accessToken, handlers, onState, loadState, requiredRooms, onRecovery }) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(HUB_PATH, { accessTokenFactory: accessToken })
    .withAutomaticReconnect(RETRY_DELAYS_MS)
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  const recovery = attachRecovery(connection, { reload: loadState, requiredRooms, onRecovery });
  for (const [eventName, handler] of Object.entries(handlers)) {
    recovery.on(eventName, handler);
  }

  connection.onreconnecting(error => onState('reconnecting', error?.message));
  connection.onreconnected(() => onState('connected')); // recovery.js resumes the rooms by itself
  connection.onclose(error => {
    onState('disconnected', error?.message);
    if (!stopped) {
      setTimeout(start, RESTART_DELAY_MS);
    }
  });

  let stopped = false;

  /** Connects; resolves with the hub's `Authenticate` answer (identity and rooms) once the state is loaded or resumed. */
  async function start() {
    if (stopped || connection.state !== signalR.HubConnectionState.Disconnected) {
      return null;
    }

    onState('connecting');
    try {
      const me = await recovery.start();
      onState('connected');
      return me;
    } catch (error) {
      onState('disconnected', error?.message);
      setTimeout(start, RESTART_DELAY_MS);
      return null;
    }
  }

  async function stop() {
    stopped = true;
    await connection.stop();
  }

  /** Asks the server who this connection is and which rooms it holds (the hub's `Authenticate`). */
  function whoAmI() {
    return connection.invoke('Authenticate', {});
  }

  return { start, stop, whoAmI, positions: () => recovery.positions() };
}

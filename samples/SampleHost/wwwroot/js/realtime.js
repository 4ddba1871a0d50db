// The page's only realtime code: one SignalR connection to the tenant hub, with automatic reconnect.
// The server decides which rooms this connection is in (from the token); the page never names a room.
// Kept separate from rendering so missed-message recovery can be added here without touching the page.

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
 * @param {() => void} options.onResynchronize  Called after every (re)connect: events may have been missed, reload state.
 */
export function createRealtime({ accessToken, handlers, onState, onResynchronize }) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(HUB_PATH, { accessTokenFactory: accessToken })
    .withAutomaticReconnect(RETRY_DELAYS_MS)
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  for (const [eventName, handler] of Object.entries(handlers)) {
    connection.on(eventName, handler);
  }

  connection.onreconnecting(error => onState('reconnecting', error?.message));
  connection.onreconnected(() => {
    onState('connected');
    onResynchronize();
  });
  connection.onclose(error => {
    onState('disconnected', error?.message);
    if (!stopped) {
      setTimeout(start, RESTART_DELAY_MS);
    }
  });

  let stopped = false;

  async function start() {
    if (stopped || connection.state !== signalR.HubConnectionState.Disconnected) {
      return;
    }

    onState('connecting');
    try {
      await connection.start();
      onState('connected');
      onResynchronize();
    } catch (error) {
      onState('disconnected', error?.message);
      setTimeout(start, RESTART_DELAY_MS);
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

  return { start, stop, whoAmI };
}

'use strict';
// The SignalR load client in Node: the shared Node load client (../load-client.js) over the official
// @microsoft/signalr client, for the .NET targets (`--client node`). Driving both SignalR and socket.io from Node
// separates what the .NET load client adds to the latency from what the server does.
const signalR = require('@microsoft/signalr');
const WebSocket = require('ws');
const { run } = require('../load-client');

run({
  defaultUrl: 'http://127.0.0.1:5080',
  // As the .NET client's storm: reconnect as soon as every stop() has completed.
  stormPauseMs: 0,
  create(url, token, events, localAddress) {
    // Skipping negotiation, the official client reports any refused upgrade (a 429 from connect admission too) as
    // its generic "WebSocket failed to connect. The connection could not be found on the server…", without the
    // status. ws hands the response of a refused upgrade to an 'unexpected-response' listener, so the status is kept
    // here for connect() to tell a refusal from an error.
    const upgrade = { status: undefined };
    class RefusalAwareWebSocket extends WebSocket {
      constructor(address, protocols, options) {
        // The client's own WebSocket is ws; one bound to a source address when the cell spreads them.
        super(address, protocols, localAddress ? { ...options, localAddress } : options);
        this.on('unexpected-response', (req, res) => {
          upgrade.status = res.statusCode;
          // With a listener, ws leaves the handshake to it: abort it as ws would, so the client sees the close.
          this.terminate();
        });
      }
    }
    // As the .NET client: WebSockets only without negotiation (the bench server allows nothing else), JSON
    // protocol, no automatic reconnect. The hub path is BenchAuth.HubPath.
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(`${url}/hubs/realtime`, {
        accessTokenFactory: () => token,
        transport: signalR.HttpTransportType.WebSockets,
        skipNegotiation: true,
        WebSocket: RefusalAwareWebSocket,
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    // Both servers send {type, data: {n, t, p}, ...} in camelCase, t = server wall clock in Unix µs.
    hub.on('bench', (message) => events.message(message));
    // onclose gets an error only when the connection was lost, not after stop() (the .NET client's Closed rule).
    hub.onclose((error) => {
      if (error) events.lost();
    });
    return { hub, upgrade };
  },
  connect({ hub, upgrade }) {
    upgrade.status = undefined;
    return hub.start().catch((err) => {
      // The shared client retries a refusal by its statusCode (429), as it does a refused negotiate.
      if (upgrade.status !== undefined) err.statusCode = upgrade.status;
      throw err;
    });
  },
  isConnected: ({ hub }) => hub.state === signalR.HubConnectionState.Connected,
  disconnect: ({ hub }) => hub.stop(),
});

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
    // As the .NET client: WebSockets only without negotiation (the bench server allows nothing else), JSON
    // protocol, no automatic reconnect. The hub path is BenchAuth.HubPath.
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`${url}/hubs/realtime`, {
        accessTokenFactory: () => token,
        transport: signalR.HttpTransportType.WebSockets,
        skipNegotiation: true,
        // The client's own WebSocket is ws; one bound to a source address when the cell spreads them.
        ...(localAddress && {
          WebSocket: class extends WebSocket {
            constructor(address, protocols, options) {
              super(address, protocols, { ...options, localAddress });
            }
          },
        }),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    // Both servers send {type, data: {n, t, p}, ...} in camelCase, t = server wall clock in Unix µs.
    connection.on('bench', (message) => events.message(message));
    // onclose gets an error only when the connection was lost, not after stop() (the .NET client's Closed rule).
    connection.onclose((error) => {
      if (error) events.lost();
    });
    return connection;
  },
  connect: (connection) => connection.start(),
  isConnected: (connection) => connection.state === signalR.HubConnectionState.Connected,
  disconnect: (connection) => connection.stop(),
});

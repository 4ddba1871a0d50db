'use strict';
// The socket.io load client: the shared Node load client (../load-client.js) over socket.io-client.
const { io } = require('socket.io-client');
const { run } = require('../load-client');

run({
  defaultUrl: 'http://127.0.0.1:5090',
  // The pause this client has always made between a storm round's disconnects and its connects (comparable numbers).
  stormPauseMs: 50,
  create(url, token, events, localAddress) {
    const socket = io(url, {
      path: '/hubs/realtime',
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      // engine.io-client hands it to ws in Node: the socket's source address when the cell spreads them.
      ...(localAddress && { localAddress }),
    });
    socket.on('bench', (message) => events.message(message));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') events.lost();
    });
    return socket;
  },
  connect(socket) {
    return new Promise((resolve, reject) => {
      const done = () => {
        socket.off('connect', onOk);
        socket.off('connect_error', onErr);
      };
      const onOk = () => {
        done();
        resolve();
      };
      const onErr = (err) => {
        done();
        reject(err);
      };
      socket.on('connect', onOk);
      socket.on('connect_error', onErr);
      socket.connect();
    });
  },
  isConnected: (socket) => socket.connected,
  disconnect: (socket) => socket.disconnect(),
});

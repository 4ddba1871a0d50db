'use strict';
// The socket.io 4 design TenantRealtime replaces, as the original was written: JWT verified on connect,
// the socket joins `org:{id}` and `tenant:{id}`, events are `{type, data, timestamp}`.
// Plus the harness's control routes (/bench/health, /bench/gc, /bench/start, /bench/stats), the same as the
// .NET bench server's, so the harness drives every target identically.
const http = require('node:http');
const { Server } = require('socket.io');
const jwt = require('jsonwebtoken');
const { DEFAULT_JWT_KEY, JWT_ISSUER, JWT_AUDIENCE, parseArgs } = require('../bench-args');

const args = parseArgs(process.argv.slice(2));
const port = Number(args.port || 5090);
const key = args['jwt-key'] || DEFAULT_JWT_KEY;
const EVENT = 'bench';
const PADDING = 'abcdefghijklmnopqrstuvwxyz';

const httpServer = http.createServer((req, res) => control(req, res));
const io = new Server(httpServer, { path: '/hubs/realtime', transports: ['websocket'], serveClient: false });

io.use((socket, next) => {
  try {
    const claims = jwt.verify(socket.handshake.auth?.token || '', key, { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
    if (!claims.sub || !claims.org_id) {
      return next(new Error('unauthenticated'));
    }
    socket.data.user = { userId: claims.sub, organizationId: claims.org_id, tenantId: claims.tenant_id, role: claims.role };
    next();
  } catch (err) {
    next(new Error('unauthenticated'));
  }
});

io.on('connection', (socket) => {
  const { organizationId, tenantId } = socket.data.user;
  socket.join(`org:${organizationId}`);
  if (tenantId) {
    socket.join(`tenant:${tenantId}`);
  }
});

// ---- driver: the same pacing as the .NET driver (1 ms ticks, deliveries/s) ----
const state = { running: false, broadcasts: 0, expectedDeliveries: 0, errors: 0, elapsedS: 0 };
let sequence = 0;

function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function backlogged(room) {
  // Unpaced only: stop when the first socket of the target room has >64 KB waiting (SignalR's default pause threshold).
  const ids = room ? io.sockets.adapter.rooms.get(room) : io.sockets.sockets.keys();
  if (!ids) return false;
  const first = ids.values().next().value;
  const s = first && io.sockets.sockets.get(first);
  if (!s) return false;
  const ws = s.conn.transport && s.conn.transport.socket;
  return (ws ? ws.bufferedAmount : 0) + s.conn.writeBuffer.length * 128 > 65536;
}

function start(r) {
  const organizations = Math.ceil(r.tenants / r.tenantsPerOrg);
  const tenantSize = new Array(r.tenants).fill(0);
  for (let j = 0; j < r.connections; j++) tenantSize[j % r.tenants]++;
  const orgSize = new Array(organizations).fill(0);
  for (let i = 0; i < r.tenants; i++) orgSize[Math.floor(i / r.tenantsPerOrg)] += tenantSize[i];
  Object.assign(state, { running: true, broadcasts: 0, expectedDeliveries: 0, errors: 0, elapsedS: 0 });
  // payloadBytes: the padding's length, as the .NET driver's (0 or absent = the usual 26 bytes).
  const padding = r.payloadBytes > 0 ? PADDING.repeat(Math.ceil(r.payloadBytes / PADDING.length)).slice(0, r.payloadBytes) : PADDING;
  const began = performance.now();
  const durationMs = r.durationS * 1000;
  let next = 0;
  let sent = 0;
  const tick = () => {
    const elapsed = performance.now() - began;
    if (elapsed >= durationMs) {
      state.elapsedS = (performance.now() - began) / 1000;
      state.running = false;
      return;
    }
    const due = r.rate > 0 ? (r.rate * elapsed) / 1000 : sent + 2000;
    while (sent < due) {
      let room;
      let fanout;
      if (r.scenario === 'org-fanout') {
        const o = next % organizations;
        room = `org:o${o}`;
        fanout = orgSize[o];
      } else if (r.scenario === 'broadcast-all') {
        room = null;
        fanout = r.connections;
      } else {
        const t = next % r.tenants;
        room = `tenant:t${t}`;
        fanout = tenantSize[t];
      }
      if (r.rate <= 0 && backlogged(room)) break;
      const message = { type: 'tick', data: { n: ++sequence, t: nowMicros(), p: padding }, timestamp: new Date().toISOString() };
      try {
        (room ? io.to(room) : io).emit(EVENT, message);
      } catch (err) {
        state.errors++;
      }
      next++;
      sent += Math.max(fanout, 1);
      state.broadcasts++;
      state.expectedDeliveries += fanout;
    }
    if (r.rate > 0) setTimeout(tick, 1);
    else setImmediate(tick);
  };
  tick();
}

function control(req, res) {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && req.url === '/bench/health') return send(200, { status: 'ok' });
  if (req.method === 'POST' && req.url === '/bench/gc') {
    if (global.gc) { global.gc(); global.gc(); }
    return send(200, { heapBytes: process.memoryUsage().heapUsed });
  }
  if (req.method === 'GET' && req.url === '/bench/stats') return send(200, state);
  if (req.method === 'POST' && req.url === '/bench/start') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (state.running) return send(409, { error: 'already running' });
      start(JSON.parse(body));
      send(202, {});
    });
    return;
  }
  send(404, { error: 'not found' });
}

httpServer.listen(port, '127.0.0.1');

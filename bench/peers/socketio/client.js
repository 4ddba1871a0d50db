'use strict';
// The socket.io load client. Same protocol as the .NET client (`TenantRealtime.Bench client`): commands on
// stdin (connect N, reset, report, storm S, quit), one JSON object per line on stdout.
const readline = require('node:readline');
const { io } = require('socket.io-client');
const jwt = require('jsonwebtoken');

const args = parseArgs(process.argv.slice(2));
const urls = (args.urls || 'http://127.0.0.1:5090').split(',');
const tenants = Number(args.tenants || 100);
const tenantsPerOrg = Number(args['tenants-per-org'] || 10);
const key = args['jwt-key'] || 'tenantrealtime-bench-signing-key-0123456789abcdef';
const concurrency = Number(args.concurrency || 100);

// Latency histogram in µs: 10 µs buckets to 100 ms, then 1 ms buckets to 60 s (as the .NET client's).
const FINE = 10000;
const counts = new Float64Array(FINE + 59900 + 1);
let count = 0;
let max = 0;
let received = 0;
let errors = 0;
let disconnects = 0;
let sockets = [];

function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function record(us) {
  if (us < 0) us = 0;
  const i = us < 100000 ? Math.floor(us / 10) : Math.min(FINE + Math.floor((us - 100000) / 1000), counts.length - 1);
  counts[i]++;
  count++;
  if (us > max) max = us;
}

function quantile(q) {
  if (count === 0) return null;
  const rank = Math.ceil(q * count);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return (i < FINE ? (i + 1) * 10 : 100000 + (i - FINE + 1) * 1000) / 1000;
  }
  return max / 1000;
}

function create(j) {
  const tenant = j % tenants;
  const now = Math.floor(Date.now() / 1000);
  const token = jwt.sign(
    { sub: `u${j}`, org_id: `o${Math.floor(tenant / tenantsPerOrg)}`, tenant_id: `t${tenant}`, role: 'member', iat: now, nbf: now - 60, exp: now + 3600 },
    key,
    { algorithm: 'HS256', issuer: 'tenantrealtime-bench', audience: 'tenantrealtime-bench', noTimestamp: true },
  );
  const socket = io(urls[j % urls.length], {
    path: '/hubs/realtime',
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    autoConnect: false,
    forceNew: true,
  });
  socket.on('bench', (message) => {
    const now2 = nowMicros();
    if (message && message.data) record(now2 - message.data.t);
    received++;
  });
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') disconnects++;
  });
  return socket;
}

function connectOne(socket) {
  return new Promise((resolve) => {
    const done = (ok) => {
      socket.off('connect', onOk);
      socket.off('connect_error', onErr);
      resolve(ok);
    };
    const onOk = () => done(true);
    const onErr = (err) => {
      if (++errors <= 5) process.stderr.write(`client: connect failed: ${err.message}\n`);
      done(false);
    };
    socket.on('connect', onOk);
    socket.on('connect_error', onErr);
    socket.connect();
  });
}

async function connectAll(batch) {
  const began = performance.now();
  let ok = 0;
  let index = 0;
  const worker = async () => {
    while (index < batch.length) {
      const s = batch[index++];
      if (await connectOne(s)) ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
  return { ok, seconds: (performance.now() - began) / 1000 };
}

function emit(o) {
  process.stdout.write(JSON.stringify(o) + '\n');
}

const rl = readline.createInterface({ input: process.stdin });
const queue = [];
let busy = false;
rl.on('line', (line) => {
  queue.push(line);
  pump();
});
rl.on('close', () => process.exit(0));

async function pump() {
  if (busy) return;
  busy = true;
  while (queue.length) await handle(queue.shift());
  busy = false;
}

async function handle(line) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'connect') {
    const batch = Array.from({ length: Number(arg) }, (_, k) => create(sockets.length + k));
    sockets = sockets.concat(batch);
    const { ok, seconds } = await connectAll(batch);
    emit({ event: 'connected', total: sockets.filter((s) => s.connected).length, ok, seconds, errors });
  } else if (cmd === 'reset') {
    counts.fill(0);
    count = 0;
    max = 0;
    received = 0;
    emit({ event: 'reset' });
  } else if (cmd === 'report') {
    emit({
      event: 'report', received, p50Ms: quantile(0.5), p99Ms: quantile(0.99), p999Ms: quantile(0.999), maxMs: max / 1000,
      errors, disconnects, connected: sockets.filter((s) => s.connected).length,
    });
  } else if (cmd === 'storm') {
    const limit = Number(arg) * 1000;
    const began = performance.now();
    let connects = 0;
    let seconds = 0;
    while (performance.now() - began < limit) {
      sockets.forEach((s) => s.disconnect());
      await new Promise((r) => setTimeout(r, 50));
      sockets = sockets.map((_, j) => create(j));
      const r = await connectAll(sockets);
      connects += r.ok;
      seconds += r.seconds;
    }
    emit({ event: 'storm', connects, seconds, errors });
  } else if (cmd === 'quit') {
    sockets.forEach((s) => s.disconnect());
    emit({ event: 'bye' });
    setTimeout(() => process.exit(0), 100);
  } else {
    emit({ event: 'error', message: `unknown command '${line}'` });
  }
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const k = argv[i].slice(2);
      out[k] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
    }
  }
  return out;
}

emit({ event: 'ready' });

'use strict';
// What every Node load client shares; socketio/client.js and signalr-node/client.js only add the transport.
// The protocol is the .NET client's (`TenantRealtime.Bench client`): commands on stdin (connect N, reset, report,
// storm S, quit; `reset <t>` counts only messages sent at or after t, Unix µs), one JSON object per line on stdout, `ready` once listening.
//
// An adapter is { defaultUrl, stormPauseMs, create(url, token, events, localAddress) -> conn, connect(conn) -> Promise (rejects
// with an Error when the connect fails, its statusCode set when the server answered one), isConnected(conn) -> bool,
// disconnect(conn) -> Promise | undefined }.
// create() calls events.message(payload) for every `bench` event and events.lost() for a disconnect it did not ask for.
const readline = require('node:readline');
const jwt = require('jsonwebtoken');
const { DEFAULT_JWT_KEY, JWT_ISSUER, JWT_AUDIENCE, parseArgs } = require('./bench-args');

// Latency histogram in µs: 10 µs buckets to 100 ms, then 1 ms buckets to 60 s (as the .NET client's).
const FINE = 10000;

function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function run(adapter) {
  const args = parseArgs(process.argv.slice(2));
  const urls = (args.urls || adapter.defaultUrl).split(',');
  const tenants = Number(args.tenants || 100);
  const tenantsPerOrg = Number(args['tenants-per-org'] || 10);
  const key = args['jwt-key'] || DEFAULT_JWT_KEY;
  const concurrency = Number(args.concurrency || 100);
  // slow-consumer: connections 0 .. first-index - 1 are the stalled readers' (the .NET harness's); this client's
  // k-th connection is connection first-index + k of the run.
  const firstIndex = Number(args['first-index'] || 0);
  // Past one address's ephemeral ports, sockets leave from 127.0.0.1 … 127.0.0.K (the harness's SourceAddresses).
  const sourceAddresses = Number(args['source-addresses'] || 1);
  const localAddressOf = (j) => (sourceAddresses > 1 ? `127.0.0.${1 + (j % sourceAddresses)}` : undefined);

  const counts = new Float64Array(FINE + 59900 + 1);
  let count = 0;
  let max = 0;
  let received = 0;
  let from = 0; // count only messages the server sent at or after this (Unix µs): `reset <t>`
  let errors = 0;
  let refused = 0;
  let disconnects = 0;
  let conns = [];

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

  const events = {
    message(message) {
      const now = nowMicros();
      if (message && message.data) {
        if (message.data.t < from) return;
        record(now - message.data.t);
      }
      received++;
    },
    lost() {
      disconnects++;
    },
  };

  // Connection j is user u{j} of tenant t{j % T} in organization o{(j % T) / tenantsPerOrg}, as the .NET client's.
  function create(k) {
    const j = firstIndex + k;
    const tenant = j % tenants;
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign(
      { sub: `u${j}`, org_id: `o${Math.floor(tenant / tenantsPerOrg)}`, tenant_id: `t${tenant}`, role: 'member', iat: now, nbf: now - 60, exp: now + 3600 },
      key,
      { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE, noTimestamp: true },
    );
    return adapter.create(urls[j % urls.length], token, events, localAddressOf(j));
  }

  // A server that admits connections at a bounded rate refuses the excess with 429: retried after 100–500 ms, as
  // the .NET load client does (so both offer a cell the same load), and counted apart from errors. Bounded, so a
  // server that never admits ends the connect as an error instead of hanging the run.
  const MAX_REFUSALS = 100;
  function connectOne(conn, refusals = 0) {
    return adapter.connect(conn).then(
      () => true,
      (err) => {
        // A refused negotiate's status is in SignalR's message; a refused upgrade's, in err.statusCode (the adapter's).
        if (err && (err.statusCode === 429 || /Status code '429'/.test(String(err.message))) && refusals < MAX_REFUSALS) {
          refused++;
          return new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400)).then(() => connectOne(conn, refusals + 1));
        }
        if (++errors <= 5) {
          const status = err && err.statusCode ? ` (status ${err.statusCode}${refusals ? `, after ${refusals} refusals` : ''})` : '';
          process.stderr.write(`client: connect failed${status}: ${err && err.message}\n`);
        }
        return false;
      },
    );
  }

  async function connectAll(batch) {
    const began = performance.now();
    let ok = 0;
    let index = 0;
    const worker = async () => {
      while (index < batch.length) {
        const c = batch[index++];
        if (await connectOne(c)) ok++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
    return { ok, seconds: (performance.now() - began) / 1000 };
  }

  // A failed close is not an error of the measured window; the connection is dropped either way.
  function disconnectAll() {
    return Promise.all(conns.map((c) => Promise.resolve(adapter.disconnect(c)).catch(() => {})));
  }

  const connected = () => conns.filter((c) => adapter.isConnected(c)).length;

  function emit(o) {
    process.stdout.write(JSON.stringify(o) + '\n');
  }

  async function handle(line) {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'connect') {
      const batch = Array.from({ length: Number(arg) }, (_, k) => create(conns.length + k));
      conns = conns.concat(batch);
      const { ok, seconds } = await connectAll(batch);
      emit({ event: 'connected', total: connected(), ok, seconds, errors, refused });
    } else if (cmd === 'reset') {
      from = Number(arg || 0);
      counts.fill(0);
      count = 0;
      max = 0;
      received = 0;
      emit({ event: 'reset' });
    } else if (cmd === 'report') {
      emit({
        event: 'report', received, p50Ms: quantile(0.5), p99Ms: quantile(0.99), p999Ms: quantile(0.999), maxMs: max / 1000,
        errors, disconnects, connected: connected(),
      });
    } else if (cmd === 'storm') {
      // Connect storm: disconnect everyone, reconnect everyone, until the time is up; only connects are timed.
      const limit = Number(arg) * 1000;
      const began = performance.now();
      let connects = 0;
      let seconds = 0;
      while (performance.now() - began < limit) {
        await disconnectAll();
        if (adapter.stormPauseMs > 0) await new Promise((r) => setTimeout(r, adapter.stormPauseMs));
        conns = conns.map((_, j) => create(j));
        const r = await connectAll(conns);
        connects += r.ok;
        seconds += r.seconds;
      }
      emit({ event: 'storm', connects, seconds, errors, refused });
    } else if (cmd === 'quit') {
      await disconnectAll();
      emit({ event: 'bye' });
      setTimeout(() => process.exit(0), 100);
    } else {
      emit({ event: 'error', message: `unknown command '${line}'` });
    }
  }

  // One command at a time, in order, as the .NET client reads them.
  const rl = readline.createInterface({ input: process.stdin });
  const queue = [];
  let busy = false;
  async function pump() {
    if (busy) return;
    busy = true;
    while (queue.length) await handle(queue.shift());
    busy = false;
  }
  rl.on('line', (line) => {
    queue.push(line);
    pump();
  });
  rl.on('close', () => process.exit(0));

  emit({ event: 'ready' });
}

module.exports = { run };

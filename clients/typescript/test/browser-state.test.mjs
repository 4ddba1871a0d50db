// Keyed state across a page reload in a real Chromium: the page keeps the state in sessionStorage (through the
// position store), reloads, names its versions and gets only the keys changed meanwhile. Same harness as
// browser.test.mjs: the page is served from the hub's origin by a small proxy in front of the TestHost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { mintToken, newTenant } from './support/helpers.mjs';
import { repoRoot, startHost } from './support/servers.mjs';

const packageDir = path.join(repoRoot, 'clients/typescript');

function page(token, room) {
  return `<!doctype html><html><body>
<script src="/signalr.min.js"></script>
<script type="module">
  import { createTenantRealtimeClient, sessionStoragePositionStore } from "/tenantrealtime.browser.js";
  const report = value => fetch("/report", { method: "POST", body: JSON.stringify(value) });
  try {
    const loads = Number(sessionStorage.getItem("loads") ?? 0) + 1;
    sessionStorage.setItem("loads", String(loads));
    const client = createTenantRealtimeClient("/hubs/realtime", {
      signalR: window.signalR, accessTokenFactory: () => ${JSON.stringify(token)}, logging: window.signalR.LogLevel.None,
      positionStore: sessionStoragePositionStore("positions:test"),
    });
    const changes = [];
    const resumed = [];
    client.onStateChanged(c => changes.push(c.key + ":" + c.removed));
    client.onResumed(r => resumed.push(r.states ?? null));
    await client.start();
    await report({ loads, state: Object.fromEntries(client.state(${JSON.stringify(room)})), changes, resumed });
    if (loads === 1) {
      await client.stop(); // writes the state now
      await fetch("/change", { method: "POST" });
      location.reload();
    }
  } catch (error) {
    report({ error: String(error) });
  }
</script></body></html>`;
}

let host;
let server;
let browser;
let profile;
before(async () => { host = await startHost(); });
after(async () => {
  browser?.kill('SIGKILL');
  server?.close();
  await host?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('after a page reload the browser client sends its state versions and gets only the changes', { timeout: 60_000 }, async () => {
  const tenant = newTenant();
  const stateUrl = key => `${host.url}/tenants/${tenant.organizationId}/${tenant.tenantId}/state/${key}`;
  const set = (key, count) => fetch(stateUrl(key), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: key, name: key, count }) });
  for (const n of [0, 1, 2]) assert.equal((await set(`svc-${n}`, n)).status, 204);

  const target = new URL(host.url);
  const files = {
    '/page.html': ['text/html', page(mintToken(tenant), tenant.room)],
    '/signalr.min.js': ['text/javascript', readFileSync(path.join(packageDir, 'node_modules/@microsoft/signalr/dist/browser/signalr.min.js'))],
    '/tenantrealtime.browser.js': ['text/javascript', readFileSync(path.join(packageDir, 'dist/tenantrealtime.browser.js'))],
  };
  const reports = [];
  let waiter = null;
  const nextReport = () => new Promise(resolve => {
    if (reports.length > 0) resolve(reports.shift());
    else waiter = resolve;
  });

  server = http.createServer(async (req, res) => {
    if (files[req.url]) {
      res.writeHead(200, { 'content-type': files[req.url][0] });
      res.end(files[req.url][1]);
    } else if (req.url === '/report') {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(204).end();
      const value = JSON.parse(body);
      if (waiter) { const w = waiter; waiter = null; w(value); } else reports.push(value);
    } else if (req.url === '/change') {
      await set('svc-0', 100);
      await fetch(stateUrl('svc-2'), { method: 'DELETE' });
      res.writeHead(204).end();
    } else {
      const upstream = http.request({ host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers }, up => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(Number(target.port), target.hostname, () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      up.write(head);
      socket.pipe(up);
      up.pipe(socket);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));

  profile = mkdtempSync(path.join(os.tmpdir(), 'tenantrealtime-chromium-'));
  browser = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`,
    '--remote-debugging-port=0', `http://127.0.0.1:${server.address().port}/page.html`], { stdio: 'ignore' });

  const first = await nextReport();
  assert.equal(first.error, undefined, first.error);
  assert.equal(first.loads, 1);
  assert.deepEqual(Object.keys(first.state).sort(), ['svc-0', 'svc-1', 'svc-2'], 'the whole state at the first load');
  assert.deepEqual(first.resumed, [], 'nothing stored: no versions named');

  const second = await nextReport();
  assert.equal(second.error, undefined, second.error);
  assert.equal(second.loads, 2);
  assert.deepEqual(second.state, { 'svc-0': { id: 'svc-0', name: 'svc-0', count: 100 }, 'svc-1': { id: 'svc-1', name: 'svc-1', count: 1 } });
  assert.deepEqual(second.changes.sort(), ['svc-0:false', 'svc-2:true'], 'only what changed while the page reloaded');
  const states = second.resumed.at(-1);
  assert.deepEqual(states.find(s => s.room === tenant.room)?.recovered, true, 'the versions were named and only changes sent');
});

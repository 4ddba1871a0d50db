// The one-file browser build in a real Chromium, with SignalR's official UMD build and no bundler: the page imports
// dist/tenantrealtime.browser.js, hands it `window.signalR`, starts, and receives typed broadcasts in order. The page
// is served from the hub's origin (the server refuses other origins), by a small proxy in front of the TestHost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { broadcastItem, mintToken, newTenant } from './support/helpers.mjs';
import { repoRoot, startHost } from './support/servers.mjs';

const packageDir = path.join(repoRoot, 'clients/typescript');

function page(token) {
  return `<!doctype html><html><body>
<script src="/signalr.min.js"></script>
<script type="module">
  import { createTenantRealtimeClient } from "/tenantrealtime.browser.js";
  const report = value => fetch("/report", { method: "POST", body: JSON.stringify(value) });
  try {
    const client = createTenantRealtimeClient("/hubs/realtime", {
      signalR: window.signalR, accessTokenFactory: () => ${JSON.stringify(token)}, logging: window.signalR.LogLevel.None,
    });
    const items = [];
    client.on("item-update", e => {
      items.push({ count: e.data.count, seq: e.seq, room: e.room });
      if (items.length === 3) report({ items, status: client.status, positions: client.positions() });
    });
    await client.start();
    await fetch("/broadcast", { method: "POST" });
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

test('the browser build runs in Chromium with SignalR\'s UMD build: start, then typed broadcasts in order', { timeout: 60_000 }, async () => {
  const tenant = newTenant();
  const target = new URL(host.url);
  const files = {
    '/page.html': ['text/html', page(mintToken(tenant))],
    '/signalr.min.js': ['text/javascript', readFileSync(path.join(packageDir, 'node_modules/@microsoft/signalr/dist/browser/signalr.min.js'))],
    '/tenantrealtime.browser.js': ['text/javascript', readFileSync(path.join(packageDir, 'dist/tenantrealtime.browser.js'))],
  };
  let resolveReport;
  const reported = new Promise(resolve => { resolveReport = resolve; });

  server = http.createServer(async (req, res) => {
    if (files[req.url]) {
      res.writeHead(200, { 'content-type': files[req.url][0] });
      res.end(files[req.url][1]);
    } else if (req.url === '/report') {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(204).end();
      resolveReport(JSON.parse(body));
    } else if (req.url === '/broadcast') {
      for (const n of [1, 2, 3]) await broadcastItem(host.url, tenant, { id: `i${n}`, name: `Item ${n}`, count: n });
      res.writeHead(204).end();
    } else {
      // Everything else is the hub's: negotiate over HTTP, then the WebSocket upgrade below.
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

  const report = await reported;
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(report.items, [1, 2, 3].map(n => ({ count: n, seq: n, room: tenant.room })));
  assert.equal(report.status, 'connected');
  assert.equal(report.positions.find(p => p.room === tenant.room).seq, 3);
});

// A page for a real Chromium, served from the hub's origin (the server refuses other origins) by a small proxy in front
// of the TestHost: the page, SignalR's UMD build and the one-file browser build as files, the test's own routes, and
// everything else (negotiate, the WebSocket upgrade) passed to the hub.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { repoRoot, startHost } from './servers.mjs';

const packageDir = path.join(repoRoot, 'clients/typescript');

/**
 * Serves `html` at /page.html in front of the hub at `hubUrl`; `routes` maps a path to `async (body, res) => void`
 * (the handler ends the response). Reports the page POSTs to /report arrive in order through `nextReport()`.
 */
export async function servePage(hubUrl, html, routes = {}) {
  const target = new URL(hubUrl);
  const files = {
    '/page.html': ['text/html', html],
    '/signalr.min.js': ['text/javascript', readFileSync(path.join(packageDir, 'node_modules/@microsoft/signalr/dist/browser/signalr.min.js'))],
    '/tenantrealtime.browser.js': ['text/javascript', readFileSync(path.join(packageDir, 'dist/tenantrealtime.browser.js'))],
  };
  const reports = [];
  let waiter = null;
  const handlers = {
    ...routes,
    '/report': async (body, res) => {
      res.writeHead(204).end();
      const value = JSON.parse(body);
      if (waiter) { const w = waiter; waiter = null; w(value); } else reports.push(value);
    },
  };

  const server = http.createServer(async (req, res) => {
    if (files[req.url]) {
      res.writeHead(200, { 'content-type': files[req.url][0] });
      res.end(files[req.url][1]);
    } else if (handlers[req.url]) {
      let body = '';
      for await (const chunk of req) body += chunk;
      await handlers[req.url](body, res);
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

  return {
    url: `http://127.0.0.1:${server.address().port}/page.html`,
    nextReport: () => new Promise(resolve => {
      if (reports.length > 0) resolve(reports.shift());
      else waiter = resolve;
    }),
    close: () => server.close(),
  };
}

/**
 * Opens `url` in a headless Chromium with a profile of its own; `close()` kills it with its helper processes and
 * deletes the profile.
 */
export function openChromium(url) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'tenantrealtime-chromium-'));
  // A process group of its own: killing only the browser left its helpers (renderer, zygote) running, still writing
  // the profile (ENOTEMPTY at the delete, even after retries) and outliving the test.
  const browser = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`,
    '--remote-debugging-port=0', url], { stdio: 'ignore', detached: true });
  const exited = new Promise(resolve => { browser.once('exit', resolve); browser.once('error', resolve); });
  return {
    close: async () => {
      try {
        process.kill(-browser.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
      await exited;
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/**
 * A test file's TestHost, started before its tests, and the page and browser a test opens (assign them to
 * `session.page` and `session.browser`), all closed after its tests.
 */
export function browserSession() {
  const session = { host: undefined, page: undefined, browser: undefined };
  before(async () => { session.host = await startHost(); });
  after(async () => {
    await session.browser?.close();
    session.page?.close();
    await session.host?.stop();
  });
  return session;
}

// The one-file browser build in a real Chromium, with SignalR's official UMD build and no bundler: the page imports
// dist/tenantrealtime.browser.js, hands it `window.signalR`, starts, and receives typed broadcasts in order. The page
// is served from the hub's origin (the server refuses other origins), by a small proxy in front of the TestHost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserSession, openChromium, servePage } from './support/browser.mjs';
import { broadcastItem, mintToken, newTenant } from './support/helpers.mjs';

function pageHtml(token) {
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

const session = browserSession();

test('the browser build runs in Chromium with SignalR\'s UMD build: start, then typed broadcasts in order', { timeout: 60_000 }, async () => {
  const tenant = newTenant();
  const page = session.page = await servePage(session.host.url, pageHtml(mintToken(tenant)), {
    '/broadcast': async (_, res) => {
      for (const n of [1, 2, 3]) await broadcastItem(session.host.url, tenant, { id: `i${n}`, name: `Item ${n}`, count: n });
      res.writeHead(204).end();
    },
  });
  session.browser = openChromium(page.url);

  const report = await page.nextReport();
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(report.items, [1, 2, 3].map(n => ({ count: n, seq: n, room: tenant.room })));
  assert.equal(report.status, 'connected');
  assert.equal(report.positions.find(p => p.room === tenant.room).seq, 3);
});

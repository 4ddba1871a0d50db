// Keyed state across a page reload in a real Chromium: the page keeps the state in sessionStorage (through the
// position store), reloads, names its versions and gets only the keys changed meanwhile. Same harness as
// browser.test.mjs: the page is served from the hub's origin by a small proxy in front of the TestHost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserSession, openChromium, servePage } from './support/browser.mjs';
import { mintToken, newTenant } from './support/helpers.mjs';

function pageHtml(token, room) {
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

const session = browserSession();

test('after a page reload the browser client sends its state versions and gets only the changes', { timeout: 60_000 }, async () => {
  const tenant = newTenant();
  const stateUrl = key => `${session.host.url}/tenants/${tenant.organizationId}/${tenant.tenantId}/state/${key}`;
  const set = (key, count) => fetch(stateUrl(key), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: key, name: key, count }) });
  for (const n of [0, 1, 2]) assert.equal((await set(`svc-${n}`, n)).status, 204);

  const page = session.page = await servePage(session.host.url, pageHtml(mintToken(tenant), tenant.room), {
    '/change': async (_, res) => {
      await set('svc-0', 100);
      await fetch(stateUrl('svc-2'), { method: 'DELETE' });
      res.writeHead(204).end();
    },
  });
  session.browser = openChromium(page.url);

  const first = await page.nextReport();
  assert.equal(first.error, undefined, first.error);
  assert.equal(first.loads, 1);
  assert.deepEqual(Object.keys(first.state).sort(), ['svc-0', 'svc-1', 'svc-2'], 'the whole state at the first load');
  assert.deepEqual(first.resumed, [], 'nothing stored: no versions named');

  const second = await page.nextReport();
  assert.equal(second.error, undefined, second.error);
  assert.equal(second.loads, 2);
  assert.deepEqual(second.state, { 'svc-0': { id: 'svc-0', name: 'svc-0', count: 100 }, 'svc-1': { id: 'svc-1', name: 'svc-1', count: 1 } });
  assert.deepEqual(second.changes.sort(), ['svc-0:false', 'svc-2:true'], 'only what changed while the page reloaded');
  const states = second.resumed.at(-1);
  assert.deepEqual(states.find(s => s.room === tenant.room)?.recovered, true, 'the versions were named and only changes sent');
});

// A topic across a page reload in a real Chromium: the page subscribes, receives two broadcasts, reloads while two more
// are sent and the topic's state changes, and subscribes again: the client resumes the topic from the position and state
// kept in sessionStorage (through the position store) — the missed broadcasts once, in order, and only the keys changed.
// Same harness as browser.test.mjs: the page is served from the hub's origin by a small proxy in front of the TestHost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserSession, openChromium, servePage } from './support/browser.mjs';
import { mintToken, newTenant } from './support/helpers.mjs';

function pageHtml(token, topic) {
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
    const items = [];
    const changes = [];
    const reloads = [];
    let arrived = () => {};
    client.on("item-update", e => {
      items.push({ count: e.data.count, seq: e.seq, room: e.room, scope: e.scope, topic: e.topic });
      if (items.length === 2) arrived();
    });
    client.onStateChanged(c => changes.push(c.key + ":" + c.removed));
    client.onReloadRequired(rooms => { reloads.push(rooms); });
    await client.start();
    const subscription = await client.subscribe({ scope: "tenant", topic: ${JSON.stringify(topic)} });
    if (loads === 1) {
      const two = new Promise(resolve => { arrived = resolve; });
      await fetch("/broadcast", { method: "POST" });
      await two;
    }
    await report({ loads, room: subscription.room, active: subscription.active, items, changes, reloads,
      state: Object.fromEntries(client.state(subscription.room)) });
    if (loads === 1) {
      await client.stop(); // writes the state now
      await fetch("/change", { method: "POST" });
      location.reload();
    } else {
      // The server's map, once the client's equals it (a key changed again soon is published at its next slot).
      const expected = await (await fetch("/state")).text();
      const sorted = map => JSON.stringify(Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b))));
      const target = sorted(Object.entries(JSON.parse(expected)));
      if (sorted(client.state(subscription.room)) !== target) {
        await new Promise(resolve => { const off = client.onStateChanged(() => { if (sorted(client.state(subscription.room)) === target) { off(); resolve(); } }); });
      }
      await report({ state: Object.fromEntries(client.state(subscription.room)), changes, items, reloads });
    }
  } catch (error) {
    report({ error: String(error) });
  }
</script></body></html>`;
}

const session = browserSession();

test('after a page reload the browser client resumes a subscribed topic from the stored position and state, without a gap', { timeout: 60_000 }, async () => {
  const tenant = newTenant();
  const topic = 'incident.42';
  const topicUrl = `${session.host.url}/topics/${tenant.organizationId}/${tenant.tenantId}/${topic}`;
  const item = n => ({ id: `i${n}`, name: `Item ${n}`, count: n });
  const send = async n => {
    const response = await fetch(`${topicUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'item-update', type: 'updated', item: item(n) }) });
    assert.equal(response.status, 200);
  };
  const set = async (key, n) => assert.equal((await fetch(`${topicUrl}/state/${key}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item(n)) })).status, 204);
  for (const n of [0, 1, 2]) await set(`svc-${n}`, n);

  const page = session.page = await servePage(session.host.url, pageHtml(mintToken(tenant), topic), {
    '/broadcast': async (_, res) => {
      for (const n of [1, 2]) await send(n);
      res.writeHead(204).end();
    },
    '/change': async (_, res) => {
      for (const n of [3, 4]) await send(n);
      await set('svc-0', 100);
      assert.equal((await fetch(`${topicUrl}/state/svc-2`, { method: 'DELETE' })).status, 204);
      res.writeHead(204).end();
    },
    '/state': async (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(await (await fetch(`${topicUrl}/state`)).text());
    },
  });
  session.browser = openChromium(page.url);
  const room = `topic:${tenant.organizationId}:${tenant.tenantId}:${topic}`;

  const first = await page.nextReport();
  assert.equal(first.error, undefined, first.error);
  assert.equal(first.loads, 1);
  assert.deepEqual([first.room, first.active], [room, true]);
  assert.deepEqual(first.items, [1, 2].map(n => ({ count: n, seq: n, room, scope: 'topic', topic })));
  assert.deepEqual(Object.keys(first.state).sort(), ['svc-0', 'svc-1', 'svc-2'], 'the whole state at the first subscribe');

  const second = await page.nextReport();
  assert.equal(second.error, undefined, second.error);
  assert.equal(second.loads, 2);
  assert.deepEqual(second.items, [3, 4].map(n => ({ count: n, seq: n, room, scope: 'topic', topic })), 'the missed broadcasts, in order, none twice');
  assert.deepEqual(second.reloads, [], 'no reload');

  const settled = await page.nextReport();
  assert.equal(settled.error, undefined, settled.error);
  assert.deepEqual(settled.state, { 'svc-0': item(100), 'svc-1': item(1) }, 'the map equals the server\'s');
  assert.deepEqual(settled.changes.sort(), ['svc-0:false', 'svc-2:true'], 'only what changed while the page reloaded');
  assert.deepEqual(settled.items.map(i => i.seq), [3, 4]);
  assert.deepEqual(settled.reloads, []);
});

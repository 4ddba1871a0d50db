// Keyed state: the map logic on its own (StateMaps), then the client against one TestHost in memory — the map equals
// the server's after churn, after a cut connection (only changes come back), and after a page reload with and
// without stored values. (State is each server's own in this version, so there is no Redis variant.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StateMaps, createTenantRealtimeClient, storagePositionStore } from '../dist/index.js';
import { MemoryStorage, mintToken, newTenant, waitFor } from './support/helpers.mjs';
import { startHost, startProxy } from './support/servers.mjs';

const ROOM = 'tenant:o:t';
const message = (epoch, version, { full = false, set = {}, removed = [] } = {}) => ({ room: ROOM, epoch, version, full, set, removed });

describe('StateMaps', () => {
  test('a whole state replaces the map and reports the keys gone and changed', () => {
    const maps = new StateMaps();
    assert.equal(maps.apply(message('e1', 3, { full: true, set: { a: 1, b: 2 } })), 'applied');
    const changes = [];
    assert.equal(maps.apply(message('e2', 1, { full: true, set: { b: 2, c: 3 } }), changes), 'applied');
    assert.deepEqual([...maps.snapshot(ROOM)], [['b', 2], ['c', 3]]);
    assert.deepEqual(maps.version(ROOM), { room: ROOM, epoch: 'e2', version: 1 });
    assert.deepEqual(changes, [{ room: ROOM, key: 'a', removed: true }, { room: ROOM, key: 'c', value: 3, removed: false }], 'b kept its value');
  });

  test('versions at or below the one held are dropped', () => {
    const maps = new StateMaps();
    maps.apply(message('e1', 2, { full: true, set: { a: 1 } }));
    assert.equal(maps.apply(message('e1', 2, { set: { a: 9 } })), 'dropped');
    assert.equal(maps.apply(message('e1', 1, { removed: ['a'] })), 'dropped');
    assert.equal(maps.apply(message('e1', 2, { full: true })), 'dropped');
    assert.equal(maps.apply(message('e1', 3, { set: { b: 2 }, removed: ['a'] })), 'applied');
    assert.deepEqual([...maps.snapshot(ROOM)], [['b', 2]]);
  });

  test('another epoch or a room never held asks the whole state once, until it arrives', () => {
    const maps = new StateMaps();
    assert.equal(maps.apply(message('e1', 1, { set: { a: 1 } })), 'request-whole', 'a change to a state never held');
    assert.equal(maps.apply(message('e1', 2, { set: { a: 2 } })), 'already-requested', 'asked once, not in a loop');
    assert.equal(maps.apply(message('e1', 1, { full: true, set: { a: 1 } })), 'applied');
    assert.equal(maps.apply(message('e2', 1, { set: { a: 5 } })), 'request-whole', 'another epoch');
    maps.requestFailed(ROOM);
    assert.equal(maps.apply(message('e2', 2, { set: { a: 6 } })), 'request-whole', 'a failed request is asked again');
    assert.equal(maps.snapshot(ROOM).get('a'), 1);
  });

  test('a version the server skipped (replaced in a slow connection\'s queue) is applied', () => {
    const maps = new StateMaps();
    maps.apply(message('e1', 1, { full: true, set: { a: 1, b: 1 } }));
    const changes = [];
    // Version 2 (a=2) was replaced by version 4 (a=4), which comes after version 3.
    assert.equal(maps.apply(message('e1', 3, { set: { b: 3 } }), changes), 'applied');
    assert.equal(maps.apply(message('e1', 4, { set: { a: 4 } }), changes), 'applied');
    assert.deepEqual(changes.map(c => [c.key, c.value]), [['b', 3], ['a', 4]]);
    assert.deepEqual(Object.fromEntries(maps.snapshot(ROOM)), { a: 4, b: 3 });
    assert.deepEqual(maps.version(ROOM), { room: ROOM, epoch: 'e1', version: 4 });
  });

  test('versions name every room held; export and seed keep values and versions together', () => {
    const maps = new StateMaps();
    assert.deepEqual(maps.versions(), [], 'nothing held: no versions');
    maps.apply(message('e1', 7, { full: true, set: { a: { x: 1 } } }));
    assert.deepEqual(maps.versions(), [{ room: ROOM, epoch: 'e1', version: 7 }]);
    const copy = new StateMaps();
    copy.seed(JSON.parse(JSON.stringify(maps.export())));
    assert.deepEqual(copy.version(ROOM), { room: ROOM, epoch: 'e1', version: 7 });
    assert.deepEqual(copy.snapshot(ROOM).get('a'), { x: 1 });
  });
});

describe('the client keeps each room\'s state (one server in memory)', () => {
  let host;
  const cleanups = [];
  before(async () => { host = await startHost(); });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await host?.stop();
  });

  const item = (key, n) => ({ id: key, name: `Item ${key}`, count: n });
  const stateUrl = (tenant, key = '') => `${host.url}/tenants/${tenant.organizationId}/${tenant.tenantId}/state${key ? `/${key}` : ''}`;
  const set = async (tenant, key, n) => {
    const response = await fetch(stateUrl(tenant, key), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item(key, n)) });
    assert.equal(response.status, 204);
  };
  const remove = async (tenant, key) => assert.equal((await fetch(stateUrl(tenant, key), { method: 'DELETE' })).status, 204);
  const serverState = async tenant => (await fetch(stateUrl(tenant))).json();
  const sorted = map => Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));
  const same = (map, expected) => JSON.stringify(sorted(map)) === JSON.stringify(Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))));

  function connect(tenant, { url = host.hubUrl, positionStore } = {}) {
    const client = createTenantRealtimeClient(url, {
      accessTokenFactory: () => mintToken(tenant),
      reconnectDelaysMs: [0, 100, 200, 200, 200, 200, 200, 200],
      logging: 6,
      positionStore,
      stateSaveIntervalMs: 20,
    });
    const seen = { changes: [], resumed: [] };
    client.onStateChanged(change => seen.changes.push(change));
    client.onResumed(result => seen.resumed.push(result));
    cleanups.push(() => client.stop());
    return { client, seen };
  }

  async function waitForServerMap(client, tenant, seen) {
    const expected = await serverState(tenant);
    await waitFor(() => same(client.state(tenant.room), expected), `the client's map to equal the server's ${JSON.stringify(expected)}`);
  }

  test('start holds the whole state; the map equals the server\'s after churn', async () => {
    const tenant = newTenant();
    await set(tenant, 'before', 0);
    const { client, seen } = connect(tenant);
    await client.start();
    assert.deepEqual(sorted(client.state(tenant.room)), { before: item('before', 0) }, 'the whole state came before start resolved');
    for (let i = 0; i < 120; i++) {
      const key = `svc-${i % 13}`;
      if (i % 5 === 4) await remove(tenant, key);
      else await set(tenant, key, i);
    }
    await waitForServerMap(client, tenant, seen);
    assert.equal(client.stateVersion(tenant.room).room, tenant.room);
  });

  test('after a cut connection the resume sends only the keys changed and removed', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 8; i++) await set(tenant, `svc-${i}`, i);
    const proxy = await startProxy(host.url);
    cleanups.push(() => proxy.stop());
    const { client, seen } = connect(tenant, { url: proxy.hubUrl });
    await client.start();
    await waitForServerMap(client, tenant, seen);
    const { epoch } = client.stateVersion(tenant.room);
    seen.changes.length = 0;

    proxy.cut();
    await waitFor(() => client.status === 'reconnecting', 'reconnecting');
    await set(tenant, 'svc-1', 100);
    await set(tenant, 'svc-2', 200);
    await remove(tenant, 'svc-3');
    proxy.restore();
    await waitFor(() => seen.resumed.length === 1, 'the resume');

    const answer = seen.resumed[0].states.find(s => s.room === tenant.room);
    assert.equal(answer.recovered, true, 'only the changes were sent');
    await waitForServerMap(client, tenant, seen);
    assert.deepEqual(seen.changes.map(c => `${c.key}:${c.removed}`).sort(), ['svc-1:false', 'svc-2:false', 'svc-3:true']);
    assert.equal(client.stateVersion(tenant.room).epoch, epoch);
  });

  test('a page reload with stored values sends the versions and gets only the changes', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 5; i++) await set(tenant, `svc-${i}`, i);
    const storage = new MemoryStorage();
    const first = connect(tenant, { positionStore: storagePositionStore(storage, 'p') });
    await first.client.start();
    await waitForServerMap(first.client, tenant, first.seen);
    await first.client.stop(); // also writes the state now
    assert.ok(storage.getItem('p:states'), 'values and versions were stored');

    await set(tenant, 'svc-0', 50);
    await remove(tenant, 'svc-4');
    const reloaded = connect(tenant, { positionStore: storagePositionStore(storage, 'p') });
    await reloaded.client.start();
    await waitForServerMap(reloaded.client, tenant, reloaded.seen);
    const answer = reloaded.seen.resumed.at(-1).states.find(s => s.room === tenant.room);
    assert.equal(answer.recovered, true);
    assert.deepEqual(reloaded.seen.changes.map(c => `${c.key}:${c.removed}`).sort(), ['svc-0:false', 'svc-4:true'], 'only the changes came back');
  });

  test('stored state of an epoch the server no longer has is replaced whole, and onStateLost says so', async () => {
    const tenant = newTenant();
    await set(tenant, 'svc-0', 0);
    const storage = new MemoryStorage();
    // As a page kept it before the server restarted: an epoch this server never had.
    storage.setItem('p:states', JSON.stringify([{ room: tenant.room, epoch: 'gone-epoch', version: 9, values: { old: 1 } }]));
    const { client, seen } = connect(tenant, { positionStore: storagePositionStore(storage, 'p') });
    const lost = [];
    client.onStateLost(room => lost.push(room));
    await client.start();
    await waitForServerMap(client, tenant, seen);
    assert.deepEqual(lost, [tenant.room]);
    assert.equal(seen.resumed.at(-1).states.find(s => s.room === tenant.room).recovered, false);
    assert.ok(seen.changes.some(c => c.key === 'old' && c.removed), 'the stored key is reported gone');
  });

  test('a store without state values sends no versions and gets the whole state', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 3; i++) await set(tenant, `svc-${i}`, i);
    const storage = new MemoryStorage();
    const { states: _ignored, ...positionsOnly } = storagePositionStore(storage, 'p');
    const { client, seen } = connect(tenant, { positionStore: positionsOnly });
    await client.start();
    assert.ok(seen.resumed.every(r => r.states === undefined), 'no versions named');
    assert.deepEqual(seen.changes.map(c => c.key).sort(), ['svc-0', 'svc-1', 'svc-2'], 'the whole state');
    await waitForServerMap(client, tenant, seen);
  });

  test('a client of rooms without state holds none and names no versions (as against an old server)', async () => {
    const tenant = newTenant();
    const proxy = await startProxy(host.url);
    cleanups.push(() => proxy.stop());
    const { client, seen } = connect(tenant, { url: proxy.hubUrl });
    await client.start();
    assert.equal(client.state(tenant.room).size, 0);
    assert.equal(client.stateVersion(tenant.room), null);
    proxy.cut();
    await waitFor(() => client.status === 'reconnecting', 'reconnecting');
    proxy.restore();
    await waitFor(() => client.status === 'connected', 'connected again');
    assert.ok(seen.resumed.every(r => r.states === undefined));
    assert.deepEqual(seen.changes, []);
  });
});

// Topics against one TestHost in memory: subscribe and receive, unsubscribe, a list with a refused topic, a cut
// connection (subscribed again in one call before Resume, no gap), the topic's state map after a cut, revocation (the
// server's `unsubscribed` event, and a topic refused when subscribed again), and a page reload that resumes a topic
// from the stored position and state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, HubEvents, HubMethods, Scopes, createTenantRealtimeClient, isTopicRoom, storagePositionStore } from '../dist/index.js';
import { MemoryStorage, broadcastItem, mintToken, newTenant, waitFor } from './support/helpers.mjs';
import { randomUUID } from 'node:crypto';
import { repoRoot, startHost, startProxy, startRedis } from './support/servers.mjs';

const FAST_RECONNECT = [0, 100, 200, 200, 200, 200, 200, 200, 200, 200];
let topicNames = 0;
/** A topic name of its own per test: the test host's refusals are by name. */
const newTopic = () => `incident.${process.pid}-${++topicNames}`;

describe('topics (one server in memory)', () => {
  let host;
  const cleanups = [];
  before(async () => { host = await startHost(); });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await host?.stop();
  });

  const item = n => ({ id: `item-${n}`, name: `Item ${n}`, count: n });
  const topicUrl = (tenant, topic) => `${host.url}/topics/${tenant.organizationId}/${tenant.tenantId}/${topic}`;
  const roomOf = (tenant, topic) => `topic:${tenant.organizationId}:${tenant.tenantId}:${topic}`;

  async function post(url, body) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  }
  const broadcastTopic = (tenant, topic, n) => post(`${topicUrl(tenant, topic)}/items`, { event: 'item-update', type: 'updated', item: item(n) });
  const setState = async (tenant, topic, key, n) => {
    const response = await fetch(`${topicUrl(tenant, topic)}/state/${key}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item(n)) });
    assert.equal(response.status, 204);
  };
  const removeState = async (tenant, topic, key) => assert.equal((await fetch(`${topicUrl(tenant, topic)}/state/${key}`, { method: 'DELETE' })).status, 204);
  const serverState = async (tenant, topic) => (await fetch(`${topicUrl(tenant, topic)}/state`)).json();
  const sorted = value => JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
  const sameMap = (map, expected) => sorted(Object.fromEntries(map)) === sorted(expected);

  function connect(tenant, { url = host.hubUrl, storage, role } = {}) {
    const errors = [];
    const client = createTenantRealtimeClient(url, {
      accessTokenFactory: () => mintToken({ ...tenant, ...(role ? { role } : {}) }),
      reconnectDelaysMs: FAST_RECONNECT,
      reorderWindowMs: 300,
      logging: 6,
      positionStore: storage ? storagePositionStore(storage, `positions:${tenant.userId}`) : undefined,
      stateSaveIntervalMs: 20,
      onError: (message, error) => errors.push(`${message} ${error?.message ?? ''}`),
    });
    const seen = { items: [], reloads: [], resumed: [], revoked: [], changes: [], invoked: [], errors };
    client.on('item-update', envelope => { seen.items.push(envelope); });
    client.onReloadRequired((rooms, reason) => { seen.reloads.push({ rooms: [...rooms], reason }); });
    client.onResumed(result => seen.resumed.push(result));
    client.onTopicRevoked(topics => seen.revoked.push(topics.map(t => t.room)));
    client.onStateChanged(change => seen.changes.push(change));
    // Records the hub methods the client invokes, in order (with the list form's length).
    const invoke = client.connection.invoke.bind(client.connection);
    client.connection.invoke = (method, ...args) => {
      seen.invoked.push(method === HubMethods.subscribe && args[0]?.topics ? `${method}[${args[0].topics.length}]` : method);
      return invoke(method, ...args);
    };
    cleanups.push(() => client.stop());
    return { client, seen };
  }

  async function proxy() {
    const p = await startProxy(host.url);
    cleanups.push(() => p.stop());
    return p;
  }

  const topicItems = (seen, room) => seen.items.filter(e => e.room === room);
  const counts = (seen, room) => topicItems(seen, room).map(e => e.data.count);

  test('subscribe: the topic\'s broadcasts reach the handlers in order, as topic envelopes', async () => {
    const tenant = newTenant();
    const topic = newTopic();
    const { client, seen } = connect(tenant);
    await client.start();
    const subscription = await client.subscribe({ scope: 'tenant', topic });
    assert.equal(subscription.room, roomOf(tenant, topic));
    assert.deepEqual(
      [subscription.active, subscription.error, subscription.scope, subscription.topic, subscription.organizationId, subscription.tenantId],
      [true, null, 'tenant', topic, tenant.organizationId, tenant.tenantId]);
    assert.deepEqual(subscription.request, { scope: 'tenant', topic });
    assert.deepEqual(client.topics(), [subscription]);
    assert.equal(client.positions().find(p => p.room === subscription.room)?.seq, 0, 'the topic room\'s position from the answer');

    for (const n of [1, 2, 3]) await broadcastTopic(tenant, topic, n);
    await waitFor(() => topicItems(seen, subscription.room).length === 3, 'three topic items');
    const envelope = topicItems(seen, subscription.room)[0];
    assert.deepEqual([envelope.scope, envelope.topic, envelope.organizationId, envelope.tenantId], [Scopes.topic, topic, tenant.organizationId, tenant.tenantId]);
    assert.deepEqual(topicItems(seen, subscription.room).map(e => e.seq), [1, 2, 3]);
    assert.deepEqual(counts(seen, subscription.room), [1, 2, 3]);
    assert.deepEqual(seen.reloads, []);
  });

  test('unsubscribe stops the broadcasts and drops the topic\'s position and state', async () => {
    const tenant = newTenant();
    const topic = newTopic();
    await setState(tenant, topic, 'k', 1);
    const storage = new MemoryStorage();
    const { client, seen } = connect(tenant, { storage });
    await client.start();
    const subscription = await client.subscribe({ scope: 'tenant', topic });
    assert.deepEqual(Object.fromEntries(client.state(subscription.room)), { k: item(1) }, 'the whole state came before subscribe resolved');
    await broadcastTopic(tenant, topic, 1);
    await waitFor(() => counts(seen, subscription.room).length === 1, 'the first topic item');
    await waitFor(() => (storage.getItem(`positions:${tenant.userId}`) ?? '').includes(subscription.room), 'the topic position stored');

    await subscription.unsubscribe();
    assert.equal(subscription.active, false);
    assert.deepEqual(client.topics(), []);
    assert.equal(client.state(subscription.room).size, 0);
    assert.equal(client.stateVersion(subscription.room), null);
    assert.ok(!client.positions().some(p => p.room === subscription.room));
    assert.ok(!storage.getItem(`positions:${tenant.userId}`).includes(subscription.room), 'the stored position is dropped');
    assert.ok(!(storage.getItem(`positions:${tenant.userId}:states`) ?? '').includes(subscription.room), 'the stored state is dropped');
    assert.deepEqual(seen.changes.filter(c => c.room === subscription.room).map(c => [c.key, c.removed]), [['k', false], ['k', true]]);

    // A topic broadcast, then a tenant one on the same connection: once the tenant's arrives, the topic's would have.
    await broadcastTopic(tenant, topic, 2);
    await setState(tenant, topic, 'k', 2);
    await broadcastItem(host.url, tenant, item(100));
    await waitFor(() => seen.items.some(e => e.room === tenant.room), 'the tenant item');
    assert.deepEqual(counts(seen, subscription.room), [1], 'nothing of the topic after unsubscribe');
    assert.equal(client.state(subscription.room).size, 0);
    await subscription.unsubscribe(); // idempotent
  });

  test('a refused topic: subscribe rejects with forbidden; the list reports it and grants the others', async () => {
    const tenant = newTenant();
    const topic = newTopic();
    const { client } = connect(tenant);
    await client.start();
    // A member may not subscribe to its organization's topics (the default authorizer), nor another tenant's.
    await assert.rejects(client.subscribe({ scope: 'organization', topic }), error => error.message.includes(`HubException: ${ErrorCodes.forbidden}: `));
    const [granted, organization, other] = await client.subscribeMany([
      { scope: 'tenant', topic },
      { scope: 'organization', topic },
      { scope: 'tenant', topic, tenantId: 'another-tenant' },
    ]);
    assert.deepEqual([granted.active, granted.error, granted.room], [true, null, roomOf(tenant, topic)]);
    assert.deepEqual([organization.active, organization.error, organization.room], [false, 'forbidden', `org-topic:${tenant.organizationId}:${topic}`]);
    assert.deepEqual([other.active, other.error, other.tenantId], [false, 'forbidden', 'another-tenant']);
    assert.deepEqual(client.topics().map(t => t.room), [granted.room]);
    assert.deepEqual(await client.subscribeMany([]), []);
  });

  test('a cut connection: the topics are subscribed again in one call before Resume; missed broadcasts in order, once', async () => {
    const tenant = newTenant();
    const [a, b] = [newTopic(), newTopic()];
    const network = await proxy();
    const { client, seen } = connect(tenant, { url: network.hubUrl });
    await client.start();
    const [ta, tb] = await client.subscribeMany([{ scope: 'tenant', topic: a }, { scope: 'tenant', topic: b }]);
    for (const n of [1, 2]) await broadcastTopic(tenant, a, n);
    await broadcastTopic(tenant, b, 1);
    await waitFor(() => counts(seen, ta.room).length === 2 && counts(seen, tb.room).length === 1, 'the first items');

    network.cut();
    await waitFor(() => client.status === 'reconnecting', 'reconnecting');
    for (const n of [3, 4, 5]) await broadcastTopic(tenant, a, n);
    await broadcastTopic(tenant, b, 2);
    seen.invoked.length = 0;
    network.restore();
    await waitFor(() => seen.resumed.length === 1, 'the resume after the reconnect');
    assert.deepEqual(seen.invoked.slice(0, 3), [HubMethods.authenticate, `${HubMethods.subscribe}[2]`, HubMethods.resume],
      'one list Subscribe after Authenticate, before Resume');
    const resumed = seen.resumed[0].rooms.find(r => r.room === ta.room);
    assert.deepEqual([resumed.recovered, resumed.replayed], [true, 3]);
    await broadcastTopic(tenant, a, 6);
    await waitFor(() => counts(seen, ta.room).length === 6 && counts(seen, tb.room).length === 2, 'every item');
    assert.deepEqual(counts(seen, ta.room), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(topicItems(seen, ta.room).map(e => e.seq), [1, 2, 3, 4, 5, 6], 'seq order, none twice');
    assert.deepEqual(counts(seen, tb.room), [1, 2]);
    assert.deepEqual(seen.reloads, []);
    assert.deepEqual(seen.revoked, []);
    assert.ok(ta.active && tb.active);
  });

  test('the topic\'s state map equals the server\'s after churn and after a cut', async () => {
    const tenant = newTenant();
    const topic = newTopic();
    for (const n of [0, 1, 2]) await setState(tenant, topic, `svc-${n}`, n);
    const network = await proxy();
    const { client, seen } = connect(tenant, { url: network.hubUrl });
    await client.start();
    const { room } = await client.subscribe({ scope: 'tenant', topic });
    assert.ok(sameMap(client.state(room), await serverState(tenant, topic)), 'the whole state before subscribe resolved');
    for (let i = 0; i < 30; i++) {
      if (i % 4 === 3) await removeState(tenant, topic, `svc-${i % 7}`);
      else await setState(tenant, topic, `svc-${i % 7}`, i);
    }
    let expected = await serverState(tenant, topic);
    await waitFor(() => sameMap(client.state(room), expected), 'the map after churn');

    network.cut();
    await waitFor(() => client.status === 'reconnecting', 'reconnecting');
    await setState(tenant, topic, 'svc-0', 1000);
    await removeState(tenant, topic, 'svc-1');
    await setState(tenant, topic, 'svc-new', 7);
    seen.changes.length = 0;
    network.restore();
    await waitFor(() => client.status === 'connected', 'connected again');
    expected = await serverState(tenant, topic);
    await waitFor(() => sameMap(client.state(room), expected), `the map to equal the server's ${JSON.stringify(expected)}`);
    assert.deepEqual(seen.changes.filter(c => c.room === room).map(c => `${c.key}:${c.removed}`).sort(), ['svc-0:false', 'svc-1:true', 'svc-new:false'],
      'only what changed while away is reported');
    assert.deepEqual(client.stateVersion(room)?.room, room);
  });

  test('the server\'s unsubscribed event: the topic becomes inactive and onTopicRevoked is told', async () => {
    const tenant = newTenant();
    const [kept, revoked] = [newTopic(), newTopic()];
    await setState(tenant, revoked, 'k', 1);
    const { client, seen } = connect(tenant);
    await client.start();
    const [tk, tr] = await client.subscribeMany([{ scope: 'tenant', topic: kept }, { scope: 'tenant', topic: revoked }]);
    assert.equal(client.state(tr.room).size, 1);

    await post(`${host.url}/topics/refuse/${revoked}`);
    await post(`${host.url}/organizations/${tenant.organizationId}/users/${tenant.userId}/refresh`);
    await waitFor(() => seen.revoked.length === 1, 'onTopicRevoked');
    assert.deepEqual(seen.revoked, [[tr.room]]);
    assert.deepEqual([tr.active, tr.error], [false, 'forbidden']);
    assert.equal(tk.active, true);
    assert.deepEqual(client.topics().map(t => t.room), [tk.room]);
    assert.equal(client.state(tr.room).size, 0, 'its state is dropped');
    assert.ok(!client.positions().some(p => p.room === tr.room));

    await broadcastTopic(tenant, revoked, 1);
    await broadcastTopic(tenant, kept, 1);
    await waitFor(() => counts(seen, tk.room).length === 1, 'the kept topic\'s item');
    assert.deepEqual(counts(seen, tr.room), []);
    assert.deepEqual(seen.reloads, []);
  });

  test('a topic refused when subscribed again after a cut becomes inactive and onTopicRevoked is told', async () => {
    const tenant = newTenant();
    const [kept, refused] = [newTopic(), newTopic()];
    const network = await proxy();
    const { client, seen } = connect(tenant, { url: network.hubUrl });
    await client.start();
    const [tk, tr] = await client.subscribeMany([{ scope: 'tenant', topic: kept }, { scope: 'tenant', topic: refused }]);

    network.cut();
    await waitFor(() => client.status === 'reconnecting', 'reconnecting');
    await post(`${host.url}/topics/refuse/${refused}`);
    await broadcastTopic(tenant, kept, 1);
    network.restore();
    await waitFor(() => client.status === 'connected', 'connected again');
    assert.deepEqual(seen.revoked, [[tr.room]], 'told before connected');
    assert.deepEqual([tr.active, tr.error, tk.active], [false, 'forbidden', true]);
    await waitFor(() => counts(seen, tk.room).length === 1, 'the kept topic\'s missed item');
    assert.deepEqual(seen.reloads, [], 'the refused room is not reloaded: it is gone');
  });

  test('a page reload: subscribing again resumes the topic from the stored position and state', async () => {
    const tenant = newTenant();
    const topic = newTopic();
    for (const n of [0, 1, 2]) await setState(tenant, topic, `svc-${n}`, n);
    const storage = new MemoryStorage(); // the tab's sessionStorage, kept across the reload
    const first = connect(tenant, { storage });
    await first.client.start();
    const { room } = await first.client.subscribe({ scope: 'tenant', topic });
    for (const n of [1, 2]) await broadcastTopic(tenant, topic, n);
    await waitFor(() => counts(first.seen, room).length === 2, 'two items');
    await first.client.stop(); // the page unloads

    for (const n of [3, 4]) await broadcastTopic(tenant, topic, n);
    await setState(tenant, topic, 'svc-0', 100);
    await removeState(tenant, topic, 'svc-2');
    const second = connect(tenant, { storage });
    await second.client.start();
    assert.deepEqual(second.client.topics(), [], 'nothing subscribed until the app asks');
    assert.deepEqual(second.seen.reloads, [], 'the stored topic room is not resumed (nor reloaded) at start');
    assert.ok(!second.client.positions().some(p => p.room === room));
    const subscription = await second.client.subscribe({ scope: 'tenant', topic }); // resumes before it resolves
    assert.equal(subscription.active, true);
    assert.deepEqual(counts(second.seen, room), [3, 4], 'what was missed, in order, none twice');
    const resumed = second.seen.resumed.at(-1).rooms.find(r => r.room === room);
    assert.deepEqual([resumed.recovered, resumed.replayed], [true, 2]);
    // A key changed again soon is merged and published at its next slot: the server's map may be ahead for a moment.
    const expected = await serverState(tenant, topic);
    await waitFor(() => sameMap(second.client.state(room), expected), `the state map to equal the server's ${JSON.stringify(expected)}`);
    assert.deepEqual(second.seen.changes.filter(c => c.room === room).map(c => `${c.key}:${c.removed}`).sort(), ['svc-0:false', 'svc-2:true'],
      'the stored state continued: only what changed is reported');

    await broadcastTopic(tenant, topic, 5);
    await waitFor(() => counts(second.seen, room).length === 3, 'the next live item');
    assert.deepEqual(topicItems(second.seen, room).map(e => e.seq), [3, 4, 5]);
    assert.deepEqual(second.seen.reloads, []);
  });
});

describe('topics (two servers on one Redis)', () => {
  let redis;
  let servers = [];
  const cleanups = [];
  before(async () => {
    redis = await startRedis();
    const channelPrefix = `js-${randomUUID().slice(0, 8)}`;
    servers = await Promise.all([1, 2].map(() => startHost({ redis: redis.address, channelPrefix })));
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await Promise.all(servers.map(s => s.stop()));
    await redis?.stop();
  });

  test('a server switch: the topic is subscribed again on the other server before Resume; no gap, none twice', async () => {
    const tenant = newTenant();
    const topic = newTopic();
    const [a, b] = servers;
    let sent = 0;
    const send = async n => {
      // Alternating between the servers, as a load-balanced app's API would.
      const url = `${servers[sent++ % 2].url}/topics/${tenant.organizationId}/${tenant.tenantId}/${topic}/items`;
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'item-update', type: 'updated', item: { id: `i${n}`, name: `Item ${n}`, count: n } }) });
      assert.equal(response.status, 200, await response.text());
    };
    const network = await startProxy(a.url);
    cleanups.push(() => network.stop());
    const client = createTenantRealtimeClient(network.hubUrl, {
      accessTokenFactory: () => mintToken(tenant), reconnectDelaysMs: FAST_RECONNECT, reorderWindowMs: 300, logging: 6,
    });
    cleanups.push(() => client.stop());
    const items = [];
    const reloads = [];
    const resumed = [];
    client.on('item-update', e => { items.push(e); });
    client.onReloadRequired(rooms => { reloads.push(rooms); });
    client.onResumed(r => resumed.push(r));
    await client.start();
    const subscription = await client.subscribe({ scope: 'tenant', topic });
    for (const n of [1, 2, 3]) await send(n);
    await waitFor(() => items.length === 3, 'three items');

    network.cut();
    await waitFor(() => client.status === 'reconnecting', 'reconnecting');
    for (const n of [4, 5, 6]) await send(n);
    network.retarget(b.url);
    network.restore();
    await waitFor(() => resumed.length === 1, 'the resume on the other server');
    assert.deepEqual(resumed[0].rooms.find(r => r.room === subscription.room)?.recovered, true);
    await send(7);
    await waitFor(() => items.length === 7, 'seven items');
    assert.deepEqual(items.map(e => e.seq), [1, 2, 3, 4, 5, 6, 7], 'seq order, none twice');
    assert.deepEqual(items.map(e => e.data.count), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(reloads, []);
    assert.equal(subscription.active, true);
  });
});

test('the topic names are those of TenantRealtimeWire', () => {
  const wire = readFileSync(path.join(repoRoot, 'src/TenantRealtime.Abstractions/TenantRealtimeWire.cs'), 'utf8');
  const constant = name => new RegExp(`public const string ${name} = "([^"]+)";`).exec(wire)[1];
  assert.equal(HubMethods.subscribe, constant('Subscribe'));
  assert.equal(HubMethods.unsubscribe, constant('Unsubscribe'));
  assert.equal(HubEvents.unsubscribed, constant('Unsubscribed'));
  // TopicFields: the members of TopicRequest and TopicResult in src/wire.ts.
  const fields = /public static class TopicFields\s*\{([\s\S]*?)\n    \}/.exec(wire)[1];
  const names = [...fields.matchAll(/public const string \w+ = "([^"]+)";/g)].map(m => m[1]);
  assert.ok(names.includes('subscribed'), 'the C# names are read');
  const typescript = readFileSync(path.join(repoRoot, 'clients/typescript/src/wire.ts'), 'utf8');
  const members = name => [...new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(typescript)[1].matchAll(/^  (\w+)\??:/gm)].map(m => m[1]);
  assert.deepEqual([...new Set([...members('TopicRequest'), ...members('TopicResult'), ...members('TopicListResult')])].sort(), [...names].sort());
  assert.ok(isTopicRoom('topic:o:t:x') && isTopicRoom('org-topic:o:x') && !isTopicRoom('tenant:o:t'));
});

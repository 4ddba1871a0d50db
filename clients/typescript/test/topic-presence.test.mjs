// Topic presence through the client ("who is viewing incident 42"), against one TestHost whose `viewing:` topics track
// presence (a 500 ms debounce): each handle's presence() lists the topic's users from the Subscribe answer and keeps it
// with the topic's presence events; a user who leaves goes once the debounce has passed; a topic without presence has
// none; after a cut connection the list is replaced by the resubscribe's answer (what changed meanwhile included).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HubEvents, HubMethods, Scopes, createTenantRealtimeClient } from '../dist/index.js';
import { mintToken, newTenant, waitFor } from './support/helpers.mjs';
import { startHost, startProxy } from './support/servers.mjs';

const FAST_RECONNECT = [0, 100, 200, 200, 200, 200, 200, 200, 200, 200];
let topicNames = 0;
const viewing = () => `viewing:${process.pid}-${++topicNames}`;
const plain = () => `incident.${process.pid}-${++topicNames}`;

describe('topic presence (one server in memory, viewing: topics track presence)', () => {
  let host;
  const cleanups = [];
  before(async () => { host = await startHost({ topicPresence: 'viewing:' }); });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await host?.stop();
  });

  function connect(user, { url = host.hubUrl } = {}) {
    const errors = [];
    const client = createTenantRealtimeClient(url, {
      accessTokenFactory: () => mintToken(user),
      reconnectDelaysMs: FAST_RECONNECT,
      logging: 6,
      onError: (message, error) => errors.push(`${message} ${error?.message ?? ''}`),
    });
    const invoked = [];
    const invoke = client.connection.invoke.bind(client.connection);
    client.connection.invoke = (method, ...args) => {
      invoked.push(method === HubMethods.subscribe && args[0]?.topics ? `${method}[${args[0].topics.length}]` : method);
      return invoke(method, ...args);
    };
    cleanups.push(() => client.stop());
    return { client, errors, invoked };
  }

  /** Subscribes and records every presence the handle reports. */
  async function view(client, topic) {
    const subscription = await client.subscribe({ scope: 'tenant', topic });
    const changes = [];
    subscription.onPresenceChanged(presence => changes.push(presence));
    return { subscription, changes };
  }

  const ids = subscription => subscription.presence()?.users.map(u => u.userId) ?? null;
  const users = tenant => ['alice', 'bob', 'carol'].map(name => ({ ...tenant, userId: `${name}-${tenant.userId}`, name: `${name[0].toUpperCase()}${name.slice(1)} Q.` }));

  test('two viewers each list both; one unsubscribes and the other drops it after the debounce', async () => {
    const tenant = newTenant();
    const [alice, bob] = users(tenant);
    const topic = viewing();
    const a = connect(alice);
    const b = connect(bob);
    const events = [];
    a.client.onPresence(envelope => events.push(envelope));
    await a.client.start();
    await b.client.start();

    const av = await view(a.client, topic);
    assert.deepEqual(ids(av.subscription), [alice.userId], 'the answer lists the subscriber itself');
    assert.equal(av.subscription.presenceError, null);
    const self = av.subscription.presence().users[0];
    assert.deepEqual([self.displayName, self.connections], ['Alice Q.', 1]);
    assert.ok(!Number.isNaN(Date.parse(self.onlineSince)));

    const bv = await view(b.client, topic);
    assert.deepEqual(ids(bv.subscription), [alice.userId, bob.userId], 'bob\'s answer lists alice (first) and bob');
    await waitFor(() => ids(av.subscription)?.includes(bob.userId), 'alice\'s list gets bob');
    const listed = av.subscription.presence();
    assert.deepEqual(listed.users.map(u => u.userId), [alice.userId, bob.userId], 'ordered by onlineSince');
    assert.deepEqual([listed.userCount, listed.countsOnly], [2, false]);
    assert.equal(listed.users[1].displayName, 'Bob Q.');
    assert.ok(av.changes.length >= 1 && av.changes.at(-1).users.some(u => u.userId === bob.userId), 'onPresenceChanged told alice');

    // The topic's events also reach onPresence handlers, as scope `topic` envelopes naming it.
    const joined = events.find(e => e.scope === Scopes.topic && e.type === 'joined' && e.data.users.some(u => u.userId === bob.userId));
    assert.ok(joined, 'a topic joined event for bob');
    assert.deepEqual([joined.organizationId, joined.tenantId, joined.topic], [tenant.organizationId, tenant.tenantId, topic]);

    // A copy: changing it changes nothing held.
    listed.users.length = 0;
    assert.equal(av.subscription.presence().users.length, 2);

    const before = Date.now();
    await bv.subscription.unsubscribe();
    assert.equal(bv.subscription.presence(), null, 'inactive: no presence');
    await waitFor(() => !ids(av.subscription).includes(bob.userId), 'alice\'s list drops bob', 10_000);
    assert.ok(Date.now() - before >= 400, 'not before the debounce window (500 ms) passed');
    const last = av.changes.at(-1);
    assert.deepEqual([last.users.map(u => u.userId), last.userCount], [[alice.userId], 1]);
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  });

  test('a disconnected viewer leaves the others\' lists after the debounce', async () => {
    const tenant = newTenant();
    const [alice, bob] = users(tenant);
    const topic = viewing();
    const a = connect(alice);
    const b = connect(bob);
    await a.client.start();
    await b.client.start();
    const av = await view(a.client, topic);
    await view(b.client, topic);
    await waitFor(() => ids(av.subscription)?.length === 2, 'both listed');
    await b.client.stop();
    await waitFor(() => ids(av.subscription)?.length === 1, 'bob gone after his connection closed');
    assert.deepEqual(ids(av.subscription), [alice.userId]);
  });

  test('a topic whose prefix does not track presence: presence() is null, nothing breaks', async () => {
    const tenant = newTenant();
    const [alice] = users(tenant);
    const a = connect(alice);
    await a.client.start();
    const { subscription, changes } = await view(a.client, plain());
    assert.equal(subscription.active, true);
    assert.equal(subscription.presence(), null);
    assert.equal(subscription.presenceError, null);
    // A presence topic next to it works as usual, and the plain one stays without presence.
    const other = await view(a.client, viewing());
    assert.deepEqual(ids(other.subscription), [alice.userId]);
    assert.equal(subscription.presence(), null);
    assert.deepEqual(changes, []);
    assert.deepEqual(a.errors, []);
  });

  test('after a cut connection the list is replaced by the resubscribe\'s answer', async () => {
    const tenant = newTenant();
    const [alice, bob, carol] = users(tenant);
    const topic = viewing();
    const network = await startProxy(host.url);
    cleanups.push(() => network.stop());
    const a = connect(alice, { url: network.hubUrl });
    const b = connect(bob);
    const c = connect(carol);
    await a.client.start();
    await b.client.start();
    await c.client.start();
    const av = await view(a.client, topic);
    const bv = await view(b.client, topic);
    await waitFor(() => ids(av.subscription)?.length === 2, 'alice lists bob');

    // While alice is away bob leaves and carol comes: alice hears neither as an event.
    network.cut();
    await waitFor(() => a.client.status === 'reconnecting', 'alice reconnecting');
    const cv = await view(c.client, topic);
    await bv.subscription.unsubscribe();
    await waitFor(() => !ids(cv.subscription).includes(bob.userId), 'bob gone (carol sees it)', 10_000);
    assert.deepEqual(ids(av.subscription), [alice.userId, bob.userId], 'alice still holds the old list while away');

    a.invoked.length = 0;
    const changesBefore = av.changes.length;
    network.restore();
    await waitFor(() => a.client.status === 'connected', 'alice connected again');
    assert.ok(a.invoked.includes(`${HubMethods.subscribe}[1]`), 'the topic subscribed again');
    await waitFor(() => ids(av.subscription)?.includes(carol.userId) && !ids(av.subscription).includes(bob.userId), 'alice\'s list from the resubscribe');
    assert.ok(ids(av.subscription).includes(alice.userId), 'alice herself still listed');
    assert.ok(av.changes.length > changesBefore, 'onPresenceChanged told the new list');
    assert.deepEqual(av.subscription.presence().userCount, ids(av.subscription).length);
    assert.equal(HubEvents.presence, 'presence');
  });
});

// The client's behaviour against real servers, one definition run by memory.test.mjs (one server, in memory) and
// redis.test.mjs (two servers on one Redis: the client on one, broadcasts alternating between both).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { createTenantRealtimeClient, storagePositionStore } from '../../dist/index.js';
import { MemoryStorage, broadcastItem, mintToken, newTenant, sleep, waitFor } from './helpers.mjs';
import { startProxy } from './servers.mjs';

const FAST_RECONNECT = [0, 100, 200, 200, 200, 200, 200, 200, 200, 200];

/**
 * @param {string} name
 * @param {() => Promise<{ servers: {url: string, hubUrl: string}[], stop: () => Promise<void> }>} setup
 *   Starts the servers (history of 20 broadcasts per room); the first is the one clients connect to.
 */
export function defineClientSuite(name, setup) {
  describe(name, () => {
    let env;
    const cleanups = [];
    let broadcasts = 0;

    before(async () => { env = await setup(); });
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      await env?.stop();
    });

    // Alternates between the servers: with two, a room's broadcasts are numbered by both and may arrive out of order.
    const broadcast = (tenant, item, event) => broadcastItem(env.servers[broadcasts++ % env.servers.length].url, tenant, item, event);

    async function connect(tenant, { through, tokens, protocol, storage, delays = FAST_RECONNECT, errors = [] } = {}) {
      const url = through ? through.hubUrl : env.servers[0].hubUrl;
      const issued = [];
      const client = createTenantRealtimeClient(url, {
        accessTokenFactory: () => {
          const token = tokens ? tokens() : mintToken(tenant);
          issued.push(token);
          return token;
        },
        reconnectDelaysMs: delays,
        reorderWindowMs: 300,
        logging: 6, // LogLevel.None: the tests read the status events instead
        protocol,
        positionStore: storage ? storagePositionStore(storage, `positions:${tenant.userId}`) : undefined,
        onError: (message, error) => errors.push(`${message} ${error?.message ?? ''}`),
      });
      const seen = { items: [], statuses: [], reloads: [], resumed: [], issued, errors };
      client.on('item-update', envelope => { seen.items.push(envelope); });
      client.onStatusChanged((status, error) => seen.statuses.push({ status, error: error?.message, at: Date.now() }));
      client.onReloadRequired((rooms, reason) => { seen.reloads.push({ rooms: [...rooms], reason }); });
      client.onResumed(result => seen.resumed.push(result));
      cleanups.push(() => client.stop());
      return { client, seen };
    }

    async function proxy() {
      const p = await startProxy(env.servers[0].url);
      cleanups.push(() => p.stop());
      return p;
    }

    const item = n => ({ id: `item-${n}`, name: `Item ${n}`, count: n });
    const counts = seen => seen.items.map(e => e.data.count);

    test('start resolves in the rooms with every room\'s position; typed envelopes arrive in seq order', async () => {
      const tenant = newTenant();
      const { client, seen } = await connect(tenant);
      const identity = await client.start();
      assert.equal(client.status, 'connected');
      assert.ok(identity.rooms.includes(tenant.room), identity.rooms.join());
      const positions = client.positions();
      assert.deepEqual(positions.map(p => p.room).sort(), [...identity.rooms].sort(), 'a position for every room');
      assert.equal(positions.find(p => p.room === tenant.room).seq, 0);

      await Promise.all([1, 2, 3, 4, 5, 6].map(n => broadcast(tenant, item(n))));
      await waitFor(() => seen.items.length === 6, 'six items');
      const envelope = seen.items[0];
      assert.equal(envelope.type, 'updated');
      assert.equal(envelope.scope, 'tenant');
      assert.equal(envelope.organizationId, tenant.organizationId);
      assert.equal(envelope.tenantId, tenant.tenantId);
      assert.equal(envelope.room, tenant.room);
      assert.equal(typeof envelope.epoch, 'string');
      assert.ok(!Number.isNaN(Date.parse(envelope.timestamp)), envelope.timestamp);
      assert.deepEqual(seen.items.map(e => e.seq), [1, 2, 3, 4, 5, 6], 'applied in seq order');
      assert.deepEqual(Object.keys(envelope.data).sort(), ['count', 'id', 'name']);
      const bySeq = new Map(seen.items.map(e => [e.seq, e.data.count]));
      assert.equal(new Set(bySeq.values()).size, 6, 'six different items');
      assert.deepEqual(client.positions().find(p => p.room === tenant.room), { room: tenant.room, epoch: envelope.epoch, seq: 6 });
    });

    test('replays of what was applied are dropped: each broadcast reaches the handlers once', async () => {
      const tenant = newTenant();
      const { client, seen } = await connect(tenant);
      await client.start();
      for (const n of [1, 2, 3]) await broadcast(tenant, item(n));
      await waitFor(() => seen.items.length === 3, 'three items');
      const { epoch } = seen.items[0];

      // Asking the server to replay everything again: the replays arrive as events, the client drops them.
      const answer = await client.connection.invoke('Resume', { positions: [{ room: tenant.room, epoch, seq: 0 }] });
      assert.deepEqual(answer.rooms.map(r => [r.room, r.recovered, r.replayed]), [[tenant.room, true, 3]]);
      await broadcast(tenant, item(4));
      await waitFor(() => seen.items.length === 4, 'the fourth item');
      await sleep(100);
      assert.deepEqual(counts(seen), [1, 2, 3, 4]);
      assert.equal(client.stats.duplicates, 3);
    });

    test('start() while started is refused and leaves the connection alone; start() after stop() resumes', async () => {
      const tenant = newTenant();
      const { client, seen } = await connect(tenant);
      await client.start();
      await assert.rejects(client.start(), /cannot start while connected/);
      await broadcast(tenant, item(1));
      await waitFor(() => seen.items.length === 1, 'the first item');

      await client.stop();
      assert.equal(client.status, 'disconnected');
      for (const n of [2, 3]) await broadcast(tenant, item(n));
      await client.start(); // resumes before it resolves
      assert.deepEqual(counts(seen), [1, 2, 3]);
      assert.deepEqual(seen.reloads, []);
    });

    test('after a cut socket it reconnects and resumes what was sent meanwhile, in order, once', async () => {
      const tenant = newTenant();
      const network = await proxy();
      const { client, seen } = await connect(tenant, { through: network });
      await client.start();
      for (const n of [1, 2]) await broadcast(tenant, item(n));
      await waitFor(() => seen.items.length === 2, 'two items');

      network.cut();
      await waitFor(() => client.status === 'reconnecting', 'reconnecting');
      for (const n of [3, 4, 5]) await broadcast(tenant, item(n));
      network.restore();
      await waitFor(() => seen.resumed.length === 1, 'the resume after the reconnect');
      await broadcast(tenant, item(6));
      await waitFor(() => seen.items.length === 6, 'six items');
      assert.deepEqual(counts(seen), [1, 2, 3, 4, 5, 6]);
      const room = seen.resumed[0].rooms.find(r => r.room === tenant.room);
      assert.deepEqual([room.recovered, room.replayed], [true, 3]);
      assert.deepEqual(seen.reloads, []);
      assert.equal(client.status, 'connected');
    });

    test('a room where nothing was received yet is resumed from the position start() learned', async () => {
      const tenant = newTenant();
      const network = await proxy();
      const { client, seen } = await connect(tenant, { through: network });
      await client.start();

      network.cut();
      await waitFor(() => client.status === 'reconnecting', 'reconnecting');
      for (const n of [1, 2]) await broadcast(tenant, item(n));
      network.restore();
      await waitFor(() => seen.items.length === 2, 'the two items sent while away');
      assert.deepEqual(counts(seen), [1, 2]);
      assert.deepEqual(seen.reloads, []);
    });

    test('a platform-admin\'s joined organization is joined again after a reconnect and resumed', async () => {
      const admin = newTenant();
      const other = newTenant();
      const network = await proxy();
      const { client, seen } = await connect(admin, { through: network, tokens: () => mintToken({ ...admin, role: 'platform-admin' }) });
      await client.start();
      const joined = await client.joinOrganization(other.organizationId);
      assert.equal(joined.success, true);
      await broadcast(other, item(1)); // a tenant broadcast reaches its organization's admins' room
      await waitFor(() => seen.items.length === 1, 'the first item');
      assert.equal(seen.items[0].room, other.room, 'numbered in the tenant\'s room, which the organization\'s admins see');

      network.cut();
      await waitFor(() => client.status === 'reconnecting', 'reconnecting');
      for (const n of [2, 3]) await broadcast(other, item(n));
      network.restore();
      await waitFor(() => seen.items.length === 3, 'the items sent while away');
      assert.deepEqual(counts(seen), [1, 2, 3]);
      assert.deepEqual(seen.reloads, []);
      assert.ok(client.identity.rooms.includes(`org-admins:${other.organizationId}`), 'in the joined organization again');
    });

    test('away past the server\'s history: the room is reloaded, then continues live', async () => {
      const tenant = newTenant();
      const network = await proxy();
      const { client, seen } = await connect(tenant, { through: network });
      await client.start();
      await broadcast(tenant, item(1));
      await waitFor(() => seen.items.length === 1, 'the first item');

      network.cut();
      await waitFor(() => client.status === 'reconnecting', 'reconnecting');
      for (let n = 2; n <= 26; n++) await broadcast(tenant, item(n)); // the history keeps 20
      network.restore();
      await waitFor(() => seen.reloads.length === 1, 'a reload');
      assert.deepEqual(seen.reloads[0], { rooms: [tenant.room], reason: 'not-recovered' });
      await broadcast(tenant, item(27));
      await waitFor(() => seen.items.length === 2, 'the next live item');
      assert.deepEqual(counts(seen), [1, 27]);
      assert.equal(client.positions().find(p => p.room === tenant.room).seq, 27);
    });

    test('a page reload resumes from the saved positions: the new page gets what it missed, nothing twice', async () => {
      const tenant = newTenant();
      const storage = new MemoryStorage(); // the tab's sessionStorage, kept across the reload
      const first = await connect(tenant, { storage });
      await first.client.start();
      for (const n of [1, 2]) await broadcast(tenant, item(n));
      await waitFor(() => first.seen.items.length === 2, 'two items');
      await first.client.stop(); // the page unloads

      for (const n of [3, 4]) await broadcast(tenant, item(n));
      const second = await connect(tenant, { storage });
      await second.client.start(); // resumes before it resolves
      assert.deepEqual(counts(second.seen), [3, 4]);

      // The page is told what the resume applied ("2 missed updates applied"), as after a reconnect.
      assert.equal(second.seen.resumed.length, 1);
      const resumedRoom = second.seen.resumed[0].rooms.find(r => r.room === tenant.room);
      assert.equal(resumedRoom.recovered, true);
      assert.equal(resumedRoom.replayed, 2);
      await broadcast(tenant, item(5));
      await waitFor(() => second.seen.items.length === 3, 'the next live item');
      assert.deepEqual(counts(second.seen), [3, 4, 5]);
      assert.deepEqual(second.seen.reloads, []);
    });

    test('an expired token closes the connection; it reconnects at once with a fresh token and resumes', async () => {
      const tenant = newTenant();
      // An app's token cache: the first token lives 2 seconds; asked after it expired, the cache gets a fresh one.
      let current = { token: mintToken({ ...tenant, seconds: 2 }), expiresAt: Date.now() + 1000 * 2 - 1000 };
      let refreshed = 0;
      const tokens = () => {
        if (Date.now() >= current.expiresAt) {
          current = { token: mintToken(tenant), expiresAt: Date.now() + 3_600_000 };
          refreshed++;
        }
        return current.token;
      };
      const { client, seen } = await connect(tenant, { tokens });
      await client.start();
      await broadcast(tenant, item(1));
      await waitFor(() => seen.statuses.some(s => s.status === 'reconnecting'), 'the close at expiry', 6000);
      assert.match(seen.statuses.find(s => s.status === 'reconnecting').error, /unauthenticated: token expired/);
      await waitFor(() => client.status === 'connected', 'connected again');
      assert.equal(refreshed, 1, 'the factory was asked again after the close');
      await broadcast(tenant, item(2));
      await waitFor(() => seen.items.length === 2, 'two items');
      assert.deepEqual(counts(seen), [1, 2]);
      assert.deepEqual(seen.statuses.map(s => s.status), ['connecting', 'connected', 'reconnecting', 'connected']);
    });

    test('a refreshed token the server refuses ends reconnecting after one attempt', async () => {
      const tenant = newTenant();
      const expiring = mintToken({ ...tenant, seconds: 2 });
      // A factory that cannot refresh; without the rule the client would try again 5 seconds later.
      const { client, seen } = await connect(tenant, { tokens: () => expiring, delays: [0, 5000, 5000] });
      await client.start();
      // 'reconnecting' lasts only until the refused retry answers: read it from the statuses recorded, not by polling.
      await waitFor(() => seen.statuses.some(s => s.status === 'reconnecting'), 'the close at expiry', 6000);
      const closedAt = seen.statuses.find(s => s.status === 'reconnecting').at;
      await waitFor(() => client.status === 'disconnected', 'given up', 3000);
      assert.ok(seen.statuses.at(-1).at - closedAt < 3000);
      assert.deepEqual(seen.statuses.map(s => s.status), ['connecting', 'connected', 'reconnecting', 'disconnected']);
      assert.match(seen.statuses.at(-1).error, /401/);
    });

    test('MessagePack: typed envelopes, and a resume after a cut socket', async () => {
      const tenant = newTenant();
      const network = await proxy();
      const { client, seen } = await connect(tenant, { through: network, protocol: new MessagePackHubProtocol() });
      const identity = await client.start();
      assert.ok(identity.rooms.includes(tenant.room));
      assert.equal(client.connection.protocol?.name ?? 'messagepack', 'messagepack');
      await broadcast(tenant, item(1));
      await waitFor(() => seen.items.length === 1, 'the first item');
      assert.deepEqual(seen.items[0].data, item(1));
      assert.equal(seen.items[0].seq, 1);
      assert.equal(seen.items[0].room, tenant.room);

      network.cut();
      await waitFor(() => client.status === 'reconnecting', 'reconnecting');
      for (const n of [2, 3]) await broadcast(tenant, item(n));
      network.restore();
      await waitFor(() => seen.items.length === 3, 'the items sent while away');
      assert.deepEqual(counts(seen), [1, 2, 3]);
      assert.deepEqual(seen.reloads, []);
    });
  });
}

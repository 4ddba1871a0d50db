// Presence through the client: typed `presence` events and `getPresence`, against one TestHost with presence on and
// against two on one Redis (the watched user on the other server). Presence events are not numbered: a client keeps
// its rooms' positions as they were and is never asked to reload because of them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTenantRealtimeClient, ErrorCodes, HubEvents, HubMethods } from '../dist/index.js';
import { broadcastItem, mintToken, newTenant, waitFor } from './support/helpers.mjs';
import { repoRoot, startHost, startRedis } from './support/servers.mjs';

function definePresenceSuite(name, setup) {
  describe(name, () => {
    let env;
    const clients = [];
    before(async () => { env = await setup(); });
    after(async () => {
      for (const client of clients) await client.stop();
      await env?.stop();
    });

    function connect(user, server = env.servers[0]) {
      const client = createTenantRealtimeClient(server.hubUrl, { accessTokenFactory: () => mintToken(user), logging: 6 });
      clients.push(client);
      return client;
    }

    test('onPresence gets typed joined and left events; getPresence lists the users; positions and reloads are untouched', async () => {
      const tenant = newTenant();
      const alice = { ...tenant, userId: `alice-${tenant.userId}`, name: 'Alice A.' };
      const bob = { ...tenant, userId: `bob-${tenant.userId}`, name: 'Bob B.' };
      const watcher = connect(alice);
      const events = [];
      const reloads = [];
      const items = [];
      watcher.onPresence(envelope => events.push(envelope));
      watcher.onReloadRequired(rooms => { reloads.push(rooms); });
      watcher.on('item-update', envelope => items.push(envelope));
      await watcher.start();

      const other = connect(bob, env.servers.at(-1));
      await other.start();
      await waitFor(() => events.some(e => e.type === 'joined' && e.data.users.some(u => u.userId === bob.userId)), 'bob joined');
      const joined = events.find(e => e.type === 'joined' && e.data.users.some(u => u.userId === bob.userId));
      assert.equal(joined.scope, 'tenant');
      assert.equal(joined.tenantId, tenant.tenantId);
      assert.equal(joined.seq ?? null, null, 'presence events are not numbered');
      assert.equal(joined.room ?? null, null);
      const entry = joined.data.users.find(u => u.userId === bob.userId);
      assert.equal(entry.displayName, 'Bob B.');
      assert.equal(entry.connections, 1);
      assert.ok(!Number.isNaN(Date.parse(entry.onlineSince)));
      assert.equal(joined.data.countsOnly, false);

      const snapshot = await watcher.getPresence('tenant');
      assert.equal(snapshot.scope, 'tenant');
      assert.deepEqual(snapshot.users.map(u => u.userId), [alice.userId, bob.userId]);
      assert.equal(snapshot.userCount, 2);
      assert.equal(snapshot.connectionCount, 2);

      // A broadcast after the presence events is the room's next seq: no gap, no reload.
      const before = watcher.positions().find(p => p.room === tenant.room).seq;
      await broadcastItem(env.servers[0].url, tenant, { id: 'x', count: 1 });
      await waitFor(() => items.length === 1, 'the broadcast');
      assert.equal(items[0].seq, before + 1);

      await other.stop();
      await waitFor(() => events.some(e => e.type === 'left' && e.data.users.some(u => u.userId === bob.userId)), 'bob left');
      assert.deepEqual((await watcher.getPresence({ scope: 'tenant' })).users.map(u => u.userId), [alice.userId]);
      assert.deepEqual(reloads, []);
    });

    test('getPresence of a scope the identity may not see is forbidden', async () => {
      const tenant = newTenant();
      const member = connect({ ...tenant });
      await member.start();
      await assert.rejects(member.getPresence('organization'), error => error.message.includes(`HubException: ${ErrorCodes.forbidden}: `));
      await assert.rejects(member.getPresence({ scope: 'tenant', tenantId: 'someone-else' }), /forbidden/);
    });
  });
}

definePresenceSuite('presence on one server', async () => {
  const host = await startHost({ presence: true });
  return { servers: [host], stop: () => host.stop() };
});

definePresenceSuite('presence across two servers on one Redis', async () => {
  const redis = await startRedis();
  const channelPrefix = `js-${randomUUID().slice(0, 8)}`;
  const [a, b] = await Promise.all([1, 2].map(() => startHost({ redis: redis.address, channelPrefix, presence: true })));
  return { servers: [a, b], stop: async () => { await Promise.all([a.stop(), b.stop()]); await redis.stop(); } };
});

test('the presence names are those of TenantRealtimeWire', () => {
  const wire = readFileSync(path.join(repoRoot, 'src/TenantRealtime.Abstractions/TenantRealtimeWire.cs'), 'utf8');
  const constant = name => new RegExp(`public const string ${name} = "([^"]+)";`).exec(wire)[1];
  assert.equal(HubMethods.getPresence, constant('GetPresence'));
  assert.equal(HubEvents.presence, constant('Presence'));
  assert.equal(ErrorCodes.disabled, constant('Disabled'));
});

test('PresenceScope is the scopes GetPresence takes in TenantRealtimeWire, named from Scopes', () => {
  const wire = readFileSync(path.join(repoRoot, 'src/TenantRealtime.Abstractions/TenantRealtimeWire.cs'), 'utf8');
  const getPresence = /<summary>((?:(?!<summary>)[\s\S])*)<\/summary>\s*public const string GetPresence\b/.exec(wire)[1];
  const documented = [...getPresence.matchAll(/<see cref="Scopes\.(\w+)"\/>/g)].map(m => m[1]);
  const typescript = readFileSync(path.join(repoRoot, 'clients/typescript/src/wire.ts'), 'utf8');
  const alias = /export type PresenceScope = ([^;]+);/.exec(typescript)[1];
  const named = [...alias.matchAll(/typeof Scopes\.(\w+)/g)].map(m => m[1][0].toUpperCase() + m[1].slice(1));
  assert.deepEqual(documented, ['Organization', 'Tenant'], 'the C# documentation is read');
  assert.deepEqual(named, documented);
});

test('ErrorCodes holds every code of TenantRealtimeWire.Errors, and no other', () => {
  const wire = readFileSync(path.join(repoRoot, 'src/TenantRealtime.Abstractions/TenantRealtimeWire.cs'), 'utf8');
  const errors = /public static class Errors\s*\{([\s\S]*?)\n    \}/.exec(wire)[1];
  const codes = [...errors.matchAll(/public const string \w+ = "([^"]+)";/g)].map(match => match[1]);
  assert.ok(codes.includes('unavailable'), 'the C# codes are read');
  assert.deepEqual(Object.values(ErrorCodes).sort(), codes.sort());
});

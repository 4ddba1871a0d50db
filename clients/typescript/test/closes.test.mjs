// Every close the server decides carries its `code: sentence`, read where the client is told it: in `onclose` when the
// server does not allow reconnecting (flooding, revocation, a refused connect), in `onreconnecting` when it does (the
// identity changed on refresh). The official SignalR client under the TenantRealtime client, against one TestHost.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTenantRealtimeClient } from '../dist/index.js';
import { mintToken, newTenant, waitFor } from './support/helpers.mjs';
import { startHost } from './support/servers.mjs';

let host;
const clients = [];
before(async () => { host = await startHost(); });
after(async () => {
  await Promise.all(clients.map(client => client.stop()));
  await host?.stop();
});

/** A started client and what its SignalR connection reported: the errors of onclose and onreconnecting. */
async function connect(tenant, token = () => mintToken(tenant)) {
  const client = createTenantRealtimeClient(host.hubUrl, { accessTokenFactory: token, reconnectDelaysMs: [0, 200, 200], logging: 6, onError: () => {} });
  clients.push(client);
  const seen = { closed: [], reconnecting: [] };
  client.connection.onclose(error => seen.closed.push(error?.message ?? 'no error'));
  client.connection.onreconnecting(error => seen.reconnecting.push(error?.message ?? 'no error'));
  return { client, seen };
}

const post = path => fetch(`${host.url}${path}`, { method: 'POST' }).then(response => assert.ok(response.ok, `${path}: ${response.status}`));

test('a flooding connection is closed with rate-limited, not to reconnect', async () => {
  const { client, seen } = await connect(newTenant());
  await client.start();
  // 300 calls at once: past the burst they are refused, and the connection keeps going, so it is closed.
  await Promise.allSettled(Array.from({ length: 300 }, () => client.connection.invoke('Ping')));
  await waitFor(() => seen.closed.length === 1, 'the close');
  assert.match(seen.closed[0], /rate-limited: the connection kept invoking over the rate limit/);
  assert.deepEqual(seen.reconnecting, []);
});

for (const scope of ['user', 'tenant']) {
  test(`a ${scope}'s revoked connection is closed with unauthenticated, not to reconnect`, async () => {
    const tenant = newTenant();
    const { client, seen } = await connect(tenant);
    await client.start();
    await post(scope === 'user'
      ? `/organizations/${tenant.organizationId}/users/${tenant.userId}/disconnect`
      : `/organizations/${tenant.organizationId}/tenants/${tenant.tenantId}/disconnect`);
    await waitFor(() => seen.closed.length === 1, 'the close');
    assert.match(seen.closed[0], new RegExp(`unauthenticated: the ${scope}'s connections were revoked\\.`));
    assert.deepEqual(seen.reconnecting, []);
    assert.equal(client.status, 'disconnected');
  });
}

test('a connection whose identity changed on refresh is closed with unauthenticated, and reconnects', async () => {
  const tenant = newTenant();
  const { client, seen } = await connect(tenant, () => mintToken({ ...tenant, role: 'admin' }));
  await client.start();
  await post(`/organizations/${tenant.organizationId}/users/${tenant.userId}/role/member`);
  await waitFor(() => seen.reconnecting.length === 1, 'reconnecting');
  assert.match(seen.reconnecting[0], /unauthenticated: the connection's identity changed; reconnect\./);
  await waitFor(() => client.status === 'connected', 'connected again, as a member');
  assert.deepEqual(seen.closed, []);
});

test('a connection no longer authenticated on refresh is closed with unauthenticated, and may reconnect', async () => {
  const tenant = newTenant();
  const { client, seen } = await connect(tenant);
  await client.start();
  // An empty role is no identity: the refresh refuses it, and so does the reconnect (the client then gives up).
  await post(`/organizations/${tenant.organizationId}/users/${tenant.userId}/role/%20`);
  await waitFor(() => seen.reconnecting.length === 1, 'reconnecting');
  assert.match(seen.reconnecting[0], /unauthenticated: the connection is no longer authenticated; reconnect\./);
});

test('a connect the hub refuses is closed with its code, not to reconnect', async () => {
  const tenant = newTenant();
  const { client, seen } = await connect(tenant, () => mintToken({ ...tenant, organizationId: 'org:x' }));
  // The close may arrive with the handshake's answer: SignalR then rejects start with it rather than calling onclose.
  const refused = await client.start().then(() => 'started', error => error.message);
  assert.match(refused, /unauthenticated: the organization id is malformed\./);
  assert.ok(seen.closed.every(error => /unauthenticated: the organization id is malformed\./.test(error)), seen.closed.join());
  assert.deepEqual(seen.reconnecting, []);
  assert.equal(client.status, 'disconnected');
  assert.doesNotMatch(host.output(), /Error when dispatching 'OnConnectedAsync'/);
});

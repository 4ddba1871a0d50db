// A server that admits new connections at a bounded rate refuses the excess with 429: the client comes back with
// jitter until it is in, at start and on reconnect, without giving up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTenantRealtimeClient } from '../dist/index.js';
import { mintToken, newTenant } from './support/helpers.mjs';
import { startHost } from './support/servers.mjs';

test('clients refused by the server\'s connect rate retry and all start', async () => {
  const host = await startHost({ maxConnectsPerSecond: 2 });
  const clients = [];
  try {
    for (let i = 0; i < 8; i++) {
      const tenant = newTenant();
      clients.push(createTenantRealtimeClient(host.hubUrl, { accessTokenFactory: () => mintToken(tenant), logging: 6 }));
    }

    // Eight at once against two per second (a bucket of two): most are refused at first, and every one gets in.
    const identities = await Promise.all(clients.map(client => client.start()));
    assert.equal(identities.length, 8);
    assert.ok(clients.every(client => client.status === 'connected'), clients.map(c => c.status).join());
    assert.match(host.output(), /refused with 429/, 'the server refused some of them first');
  } finally {
    await Promise.all(clients.map(client => client.stop()));
    await host.stop();
  }
});

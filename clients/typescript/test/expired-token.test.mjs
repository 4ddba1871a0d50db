// A token already expired by its `exp` is refused at negotiate with 401 and problem details, even while JwtBearer's
// clock skew (5 minutes by default) still accepts it: the client reports `disconnected` with the 401 and does not
// retry. A client that skips negotiation cannot read a WebSocket's 401, so it gets the hub's coded close instead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { createTenantRealtimeClient } from '../dist/index.js';
import { mintToken, newTenant } from './support/helpers.mjs';
import { startHost } from './support/servers.mjs';

let host;
before(async () => { host = await startHost({ clockSkewSeconds: 300 }); });
after(async () => { await host?.stop(); });

const expiredToken = () => mintToken({ ...newTenant(), seconds: -5 });

test('negotiate answers a token that expired 5 s ago with 401 problem details coded unauthenticated', async () => {
  const response = await fetch(`${host.hubUrl}/negotiate?negotiateVersion=1`, {
    method: 'POST', headers: { authorization: `Bearer ${expiredToken()}` },
  });
  assert.equal(response.status, 401);
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  const problem = await response.json();
  assert.equal(problem.code, 'unauthenticated');
  assert.equal(problem.status, 401);
  assert.match(problem.detail, /expired at/);

  const fresh = await fetch(`${host.hubUrl}/negotiate?negotiateVersion=1`, {
    method: 'POST', headers: { authorization: `Bearer ${mintToken(newTenant())}` },
  });
  assert.equal(fresh.status, 200, 'a fresh token negotiates');
});

test('the client reports disconnected with the 401 and asks for no second token', async () => {
  const statuses = [];
  let asked = 0;
  const client = createTenantRealtimeClient(host.hubUrl, {
    accessTokenFactory: () => { asked++; return expiredToken(); },
    logging: 6,
  });
  client.onStatusChanged((status, error) => statuses.push({ status, error: error?.message }));
  await assert.rejects(client.start(), /Status code '401'/);
  assert.equal(client.status, 'disconnected');
  assert.deepEqual(statuses.map(s => s.status), ['connecting', 'disconnected']);
  assert.match(statuses.at(-1).error, /401/);
  assert.equal(asked, 1, 'a refused token is not retried');
});

test('skipping negotiation, an expired token gets the coded close unauthenticated: token expired', async () => {
  const token = expiredToken();
  const connection = new HubConnectionBuilder()
    .withUrl(host.hubUrl, { transport: HttpTransportType.WebSockets, skipNegotiation: true, accessTokenFactory: () => token })
    .configureLogging(LogLevel.None)
    .build();
  const closed = new Promise(resolve => connection.onclose(resolve));
  let error;
  try {
    await connection.start();
    error = await closed;
  } catch (failed) {
    error = failed;
  }
  assert.match(error?.message ?? '', /unauthenticated: token expired/);
  await connection.stop();
});

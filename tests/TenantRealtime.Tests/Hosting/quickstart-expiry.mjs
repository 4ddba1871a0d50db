// The README's quick-start app, as a browser app would use it with the official JavaScript client: a connection
// whose short-lived token expires is closed with a coded reason, gets nothing after, cannot come back with the same
// token, and a fresh token works. Run by QuickStartExpiryTests.cs: node quickstart-expiry.mjs <repo> <base> <expiring>
// <expiresAtMs> <fresh>; prints one JSON line.
import { createRequire } from 'node:module';
import path from 'node:path';

const [, , repo, base, expiringToken, expiresAtMs, freshToken] = process.argv;
const require = createRequire(path.join(repo, 'samples', 'SampleHost', 'package.json'));
const signalR = require('@microsoft/signalr');

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function waitFor(condition, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function connect(token) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${base}/hubs/realtime`, { accessTokenFactory: () => token })
    .configureLogging(signalR.LogLevel.None)
    .build();
  const state = { notes: [], closeError: null, closedAt: null };
  state.closed = new Promise(resolve => connection.onclose(error => {
    state.closeError = error?.message ?? null;
    state.closedAt = Date.now();
    resolve();
  }));
  connection.on('note-update', envelope => state.notes.push(envelope.data.text));
  return { connection, state };
}

async function post(text) {
  const response = await fetch(`${base}/api/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${freshToken}` },
    body: JSON.stringify({ text }),
  });
  if (response.status !== 202) throw new Error(`POST /api/notes answered ${response.status}`);
}

const result = { unhandled: [] };

// The SignalR JS client does not await its own stop when a close message allows reconnecting (HubConnection's
// Close case); a close that lands while a connection is still starting then surfaces as an unhandled rejection.
// Record it (it carries the server's coded reason) instead of letting it end the script.
process.on('unhandledRejection', error => result.unhandled.push(error?.message ?? String(error)));
const expiring = connect(expiringToken);
await expiring.connection.start();
await expiring.connection.invoke('Ping'); // invocations run once the connection is in its rooms
await post('before');
await waitFor(() => expiring.state.notes.includes('before'), 'the note before expiry');
await Promise.race([expiring.state.closed, sleep(15_000)]);
result.closeError = expiring.state.closeError;
result.closedAfterExpiryMs = expiring.state.closedAt === null ? null : expiring.state.closedAt - Number(expiresAtMs);
await post('after');
await sleep(500);
result.notesOfExpired = expiring.state.notes;

const again = connect(expiringToken);
try {
  await again.connection.start();
  await Promise.race([again.state.closed, sleep(5_000)]);
  result.sameTokenError = again.state.closeError ?? result.unhandled.find(m => m.includes('unauthenticated')) ?? 'still connected';
} catch (error) {
  result.sameTokenError = error.message;
}

const fresh = connect(freshToken);
await fresh.connection.start();
await fresh.connection.invoke('Ping');
await post('fresh');
await waitFor(() => fresh.state.notes.includes('fresh'), 'the note with a fresh token');
result.freshReceived = fresh.state.notes;
await fresh.connection.stop();
console.log(JSON.stringify(result));

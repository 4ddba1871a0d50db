// When the client reconnects and when it gives up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenantRetryPolicy, isRefusedForNow, isUnauthenticated } from '../dist/index.js';

const context = (previousRetryCount, message) => ({ previousRetryCount, elapsedMilliseconds: 0, retryReason: new Error(message) });
const expired = 'Server returned an error on close: unauthenticated: token expired';
const refused = "Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'";

test('a lost connection or slow-consumer close follows the delays, then gives up', () => {
  const policy = new TenantRetryPolicy([0, 50, 70]);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(0, 'WebSocket closed with status code: 1006 ().')), 0);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(1, 'Server returned an error on close: slow-consumer: the connection did not read')), 50);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(2, 'Failed to fetch')), 70);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(3, 'Failed to fetch')), null);
});

test('an expired token reconnects at once; a refused fresh token gives up', () => {
  const policy = new TenantRetryPolicy([5000, 5000]);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(0, expired)), 0);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(1, refused)), null);
  assert.equal(policy.lastReason.message, refused);
});

test('a 401 after a network loss gives up too: the token the factory just returned is not accepted', () => {
  const policy = new TenantRetryPolicy([0, 10, 10]);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(0, 'WebSocket closed with status code: 1006 ().')), 0);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(1, refused)), null);
});

test('isUnauthenticated reads the close reason and the negotiate status', () => {
  assert.equal(isUnauthenticated(new Error(expired)), true);
  assert.equal(isUnauthenticated(new Error(refused)), true);
  assert.equal(isUnauthenticated(new Error("Error: Forbidden: Status code '403'")), false);
  assert.equal(isUnauthenticated(new Error('Server returned an error on close: slow-consumer: reconnect and Resume.')), false);
  assert.equal(isUnauthenticated(undefined), false);
});

test('a connect refused for now (429, 503) is retried after 1-2 s with jitter, without using up the delays', () => {
  const rateLimited = "Failed to complete negotiation with the server: Error: Too Many Requests: Status code '429'";
  const full = "Failed to complete negotiation with the server: Error: Service Unavailable: Status code '503'";
  let random = 0;
  const policy = new TenantRetryPolicy([0, 50], () => random);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(0, 'WebSocket closed with status code: 1006 ().')), 0);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(1, rateLimited)), 1000);
  random = 0.999;
  assert.equal(policy.nextRetryDelayInMilliseconds(context(2, full)), 1999);
  for (let i = 3; i < 20; i++) assert.ok(policy.nextRetryDelayInMilliseconds(context(i, rateLimited)) >= 1000);

  // Then a plain failure takes the next delay, and the one after gives up as before.
  assert.equal(policy.nextRetryDelayInMilliseconds(context(20, 'Failed to fetch')), 50);
  assert.equal(policy.nextRetryDelayInMilliseconds(context(21, 'Failed to fetch')), null);
  assert.equal(isRefusedForNow(new Error(rateLimited)), true);
  assert.equal(isRefusedForNow(new Error("Error: Unauthorized: Status code '401'")), false);
});

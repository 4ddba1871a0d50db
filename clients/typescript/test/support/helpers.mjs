import { createHmac, randomUUID } from 'node:crypto';
import { jwtSettings } from './servers.mjs';

const base64url = value => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An HS256 token the TestHost accepts: `sub`, `org_id`, `tenant_id`, `role` (and `name` if given), expiring after `seconds`. */
export function mintToken({ userId, organizationId, tenantId, role = 'member', seconds = 3600, name }) {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url({ alg: 'HS256', typ: 'JWT' });
  const payload = base64url({
    sub: userId, org_id: organizationId, tenant_id: tenantId, role, ...(name ? { name } : {}),
    // A token minted already expired (negative seconds) was valid once: its nbf is before its exp.
    iss: jwtSettings.issuer, aud: jwtSettings.audience, iat: now, nbf: Math.min(now - 1, now + seconds - 60), exp: now + seconds,
  });
  const signature = createHmac('sha256', jwtSettings.key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A fresh organization and tenant, so every test has rooms of its own. */
export function newTenant() {
  const id = randomUUID().slice(0, 8);
  return { organizationId: `org-${id}`, tenantId: `t-${id}`, userId: `u-${id}`, room: `tenant:org-${id}:t-${id}` };
}

/** Broadcasts an `item-update` to the tenant through a server; resolves with the receipt ({room, seq, epoch}). */
export async function broadcastItem(serverUrl, tenant, item, event = 'item-update', type = 'updated') {
  const response = await fetch(`${serverUrl}/tenants/${tenant.organizationId}/${tenant.tenantId}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event, type, item }),
  });
  if (!response.ok) throw new Error(`broadcast failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export async function waitFor(condition, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A Web Storage stand-in (Node has no sessionStorage): what a page keeps across its reload. */
export class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  removeItem(key) { this.#items.delete(key); }
}

// Who the page acts as. Development: a demo user from the picker or from /?user=…&org=…&tenant=…&role=…,
// with a dev token fetched (and refreshed) automatically. Elsewhere: a bearer token the user pastes.

import { api, ApiError } from './api.js';

const TOKEN_KEY = 'tenantrealtime.token';
const REFRESH_AFTER_MS = 50 * 60 * 1000; // dev tokens live one hour

/** Returns the demo users when the server runs in Development, otherwise null (the route is 404 there). */
export async function loadDemoUsers() {
  try {
    return await api.demoUsers();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function identityFromQuery() {
  const query = new URLSearchParams(location.search);
  const userId = query.get('user');
  const organizationId = query.get('org');
  if (!userId || !organizationId) return null;
  return { userId, organizationId, tenantId: query.get('tenant') || undefined, role: query.get('role') || 'member' };
}

export function urlFor(identity) {
  const query = new URLSearchParams({ user: identity.userId, org: identity.organizationId });
  if (identity.tenantId) query.set('tenant', identity.tenantId);
  query.set('role', identity.role);
  return `/?${query}`;
}

/** A session for a demo identity: the token is fetched now and again before it expires. */
export async function devSession(identity) {
  let token = (await api.devToken(identity)).token;
  let issuedAt = Date.now();
  return {
    identity,
    async accessToken() {
      if (Date.now() - issuedAt > REFRESH_AFTER_MS) {
        token = (await api.devToken(identity)).token;
        issuedAt = Date.now();
      }
      return token;
    },
  };
}

/** A session for a pasted token; its claims are read for display only (the server validates it). */
export function tokenSession(token) {
  const claims = decodeClaims(token);
  sessionStorage.setItem(TOKEN_KEY, token);
  return {
    identity: { userId: claims.sub, organizationId: claims.org_id, tenantId: claims.tenant_id, role: claims.role || 'member' },
    accessToken: async () => token,
  };
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

function decodeClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part));
  } catch {
    return {};
  }
}

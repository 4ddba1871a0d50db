// The "Online now" card: who from the viewer's scope has the page open, live. Members watch their tenant, admins their
// organization (the server decides what each may see, and refuses anything else). The list is read when the
// connection is up, and again after every reconnect: presence events are not resumed like updates are. Events that
// arrive while a read is under way are applied after it, so the list never goes back in time.

import { $, el } from './view.js';

const ADMIN_ROLES = ['admin', 'platform-admin'];

/** @param {{userId: string, organizationId: string, tenantId?: string, role: string}} identity */
export function createOnlineNow(identity) {
  const scope = ADMIN_ROLES.includes(identity.role) ? 'organization' : identity.tenantId ? 'tenant' : null;
  let users = new Map();
  let count = 0;
  let countsOnly = false;
  let held = null; // events received while a read is under way

  function render(changedId) {
    $('online-now').hidden = false;
    $('online-now').dataset.scope = scope;
    $('online-count').textContent = String(count);
    $('online-scope').textContent = scope === 'tenant'
      ? `Your tenant, ${identity.tenantId}${countsOnly ? ' — too many to list' : ''}`
      : `Your organization${countsOnly ? ' — too many to list' : ''}`;
    const sorted = [...users.values()].sort((a, b) => a.onlineSince.localeCompare(b.onlineSince) || a.userId.localeCompare(b.userId));
    $('online-users').replaceChildren(...sorted.map(user => {
      const name = user.displayName ?? user.userId;
      return el('li', { 'data-user-id': user.userId, className: user.userId === changedId ? 'online-new' : undefined },
        el('span', { className: 'avatar', 'aria-hidden': 'true' }, initials(name)),
        el('span', {}, name, user.userId === identity.userId ? el('span', { className: 'muted small' }, ' (you)') : null),
        user.connections > 1 ? el('span', { className: 'muted small' }, `${user.connections} tabs`) : null);
    }));
  }

  function apply(envelope) {
    if (envelope.scope !== scope || (scope === 'tenant' && envelope.tenantId !== identity.tenantId)) return;
    if (held) {
      held.push(envelope);
      return;
    }
    for (const user of envelope.data.users) {
      if (envelope.type === 'left') users.delete(user.userId);
      else users.set(user.userId, user);
    }
    count = envelope.data.userCount;
    countsOnly = envelope.data.countsOnly;
    if (countsOnly) users = new Map();
    render(envelope.type === 'joined' ? envelope.data.users[0]?.userId : undefined);
  }

  /** Reads the list; `read(scope)` is the realtime client's `getPresence`. */
  async function load(read) {
    if (!scope) return;
    held = [];
    try {
      const snapshot = await read(scope);
      users = new Map(snapshot.users.map(user => [user.userId, user]));
      count = snapshot.userCount;
      countsOnly = snapshot.countsOnly;
      render();
    } catch (error) {
      // `unavailable`: the servers' Redis cannot be read right now, so read again shortly (events keep the card
      // going meanwhile). Presence off (`disabled`) or a dropped connection: the card stays as it was.
      const message = String(error?.message);
      if (message.includes('unavailable:')) setTimeout(() => load(read), 5000);
      else if (!message.includes('disabled:')) console.warn('Reading who is online failed', error);
    } finally {
      const pending = held;
      held = null;
      for (const envelope of pending) apply(envelope);
    }
  }

  return { apply, load };
}

const initials = name => name.split(/\s+/).filter(Boolean).map(part => part[0]).join('').slice(0, 2).toUpperCase();

// The status page: choose who to be, load the state, then apply pushed events as they arrive.

import { api } from './api.js';
import { createRealtime } from './realtime.js';
import { devSession, forgetToken, identityFromQuery, loadDemoUsers, storedToken, tokenSession, urlFor } from './session.js';
import { $, el, logEvent, renderBanner, renderConnection, renderIncidents, renderRecovery, renderServices, STATUS_LABELS } from './view.js';

const state = { summary: null, services: new Map(), incidents: new Map() };
let session;
let demoUsers = null;

const sortServices = services => [...services].sort((a, b) =>
  (a.group === null) - (b.group === null) || (a.group ?? '').localeCompare(b.group ?? '') ||
  a.position - b.position || a.name.localeCompare(b.name));

function render(changedId) {
  renderBanner(state.summary);
  const services = sortServices(state.services.values());
  renderServices(services, changedId);
  renderIncidents([...state.incidents.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    new Map(services.map(s => [s.id, s])));
}

// The whole state, over REST: once after connecting, and again only when missed updates cannot be recovered.
async function reload() {
  const summary = await api.status(await session.accessToken());
  state.summary = summary;
  state.services = new Map(summary.services.map(s => [s.id, s]));
  state.incidents = new Map(summary.incidents.map(i => [i.id, i]));
  render();
}

// Between a push and the authoritative summary the banner follows the same rules the server uses.
const RANK = ['none', 'maintenance', 'minor', 'major', 'critical'];
const FROM_SERVICE = { operational: 'none', under_maintenance: 'maintenance', degraded_performance: 'minor', partial_outage: 'major', major_outage: 'critical' };
const DESCRIPTIONS = {
  none: 'All Systems Operational', maintenance: 'Service Under Maintenance', minor: 'Partially Degraded Service',
  major: 'Partial System Outage', critical: 'Major System Outage',
};

function recomputeSummary(timestamp) {
  let worst = 0;
  for (const s of state.services.values()) worst = Math.max(worst, RANK.indexOf(FROM_SERVICE[s.status]));
  for (const i of state.incidents.values()) worst = Math.max(worst, RANK.indexOf(i.impact));
  const indicator = RANK[worst];
  state.summary = { ...state.summary, indicator, description: DESCRIPTIONS[indicator], updatedAt: timestamp };
}

const handlers = {
  // Sent by the hub on connect; the rooms are read with whoAmI() once the state is loaded.
  authenticated: () => {},
  'service-update': ({ type, data, timestamp }) => {
    if (type === 'deleted') state.services.delete(data.id);
    else state.services.set(data.id, data);
    recomputeSummary(timestamp);
    render(data.id);
    const verb = type === 'updated' ? `→ ${STATUS_LABELS[data.status] ?? data.status}` : type;
    logEvent('service-update', `${data.name} ${verb}`, timestamp);
  },
  'incident-update': ({ type, data, timestamp }) => {
    if (type === 'deleted' || data.status === 'resolved') state.incidents.delete(data.id);
    else state.incidents.set(data.id, data);
    recomputeSummary(timestamp);
    render();
    logEvent('incident-update', `“${data.name}” ${type === 'updated' ? data.status : type}`, timestamp);
  },
  'status-update': ({ data, timestamp }) => {
    const scope = data.tenantId ? `Tenant ${data.tenantId}` : 'Organization';
    logEvent('status-update', `${scope}: ${data.description}`, timestamp);
    // Nothing to fetch: every update reaches this page exactly once and in order (recovery.js), so the banner
    // computed from the services and incidents above is the server's combined view.
  },
};

function showIdentity(identity) {
  const demo = demoUsers?.find(u => u.userId === identity.userId && u.organizationId === identity.organizationId);
  const name = demo?.name ?? identity.userId;
  $('org-name').textContent = `${demo?.organizationName ?? identity.organizationId} Status`;
  document.title = `${demo?.organizationName ?? identity.organizationId} Status`;
  $('user-avatar').textContent = name.split(/\s+/).map(p => p[0]).join('').slice(0, 2).toUpperCase();
  $('user-name').textContent = name;
  $('user-scope').textContent = [identity.role, identity.tenantId ?? 'all tenants'].join(' · ');
  $('user-chip').hidden = false;
}

async function open(newSession) {
  session = newSession;
  showIdentity(session.identity);
  $('dashboard').hidden = false;
  $('connection').hidden = false;
  const showRooms = me => { $('fact-rooms').textContent = me ? me.rooms.join(', ') : '—'; };
  const realtime = createRealtime({
    accessToken: () => session.accessToken(),
    handlers,
    onState: (connectionState, detail) => {
      renderConnection(connectionState, detail);
      if (connectionState === 'reconnecting') logEvent('connection', 'Connection lost, reconnecting…');
      if (connectionState === 'disconnected') logEvent('connection', 'Disconnected, retrying shortly');
    },
    loadState: () => reload(),
    requiredRooms: () => requiredRooms(session.identity),
    onRecovery: report => {
      // After a reconnect the server replayed what was missed (or told us to reload): say which, then show the rooms.
      const message = recoveryMessage(report);
      renderRecovery(report, message);
      logEvent('connection', message);
      if (report.trigger === 'reconnect') realtime.whoAmI().then(showRooms, () => showRooms(null));
    },
  });
  const me = await realtime.start();
  if (me) {
    logEvent('connection', 'Connected · state loaded');
    showRooms(me);
  }
}

/**
 * The rooms this page's state comes from: org-wide resources arrive in `org:{o}`, a tenant's in `tenant:{o}:{t}`
 * (an admin receives every tenant of the organization: those it shows resources of). A reconnect can only resume a
 * room the page has received something in since it loaded; if one of these has nothing yet, it reloads instead.
 */
function requiredRooms(identity) {
  const o = identity.organizationId;
  const tenants = new Set(identity.tenantId ? [identity.tenantId] : []);
  if (identity.role === 'admin' || identity.role === 'platform-admin') {
    for (const item of [...state.services.values(), ...state.incidents.values()]) {
      if (item.tenantId) tenants.add(item.tenantId);
    }
  }
  return [`org:${o}`, ...[...tenants].map(t => `tenant:${o}:${t}`)];
}

function recoveryMessage({ trigger, replayed, reloaded }) {
  if (trigger !== 'reconnect') return 'Some updates could not be recovered — reloaded the latest state';
  if (reloaded) return 'Reconnected — reloaded the latest state';
  if (replayed === 0) return 'Reconnected — nothing was missed';
  return `Reconnected — ${replayed} missed update${replayed === 1 ? '' : 's'} applied`;
}

function showChooser() {
  $('chooser').hidden = false;
  $('demo-users').replaceChildren(...demoUsers.map(user => el('button', {
    className: 'card demo-user', type: 'button', onclick: () => { location.href = urlFor(user); },
  },
    el('span', { className: 'avatar' }, user.name.split(' ').map(p => p[0]).join('')),
    el('div', {}, el('strong', {}, user.name),
      el('span', {}, `${user.organizationName} · ${user.tenantId ?? 'all tenants'} · ${user.role}`)))));
}

function showTokenPrompt() {
  $('token-prompt').hidden = false;
  $('token-form').addEventListener('submit', async event => {
    event.preventDefault();
    const candidate = tokenSession($('token-input').value.trim());
    try {
      await api.status(await candidate.accessToken());
      $('token-prompt').hidden = true;
      await open(candidate);
    } catch (error) {
      forgetToken();
      $('token-error').textContent = error.message;
      $('token-error').hidden = false;
    }
  });
}

$('recovery-close').addEventListener('click', () => { $('recovery-notice').hidden = true; });

$('switch-user').addEventListener('click', () => {
  forgetToken();
  location.href = '/';
});

demoUsers = await loadDemoUsers();
const requested = identityFromQuery();
if (demoUsers && requested) {
  await open(await devSession(requested));
} else if (storedToken()) {
  await open(tokenSession(storedToken()));
} else if (demoUsers) {
  showChooser();
} else {
  showTokenPrompt();
}

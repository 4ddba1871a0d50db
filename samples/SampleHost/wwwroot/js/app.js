// The status page: choose who to be, load the state, then apply pushed events as they arrive.

import { api } from './api.js';
import { createOnlineNow } from './presence.js';
import { createRealtime } from './realtime.js';
import { forgetState, positionsKey, restoreState, saveState } from './saved-state.js';
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

// The whole state, over REST: once after connecting (unless this tab saved it before a page reload), and again
// only when missed updates cannot be recovered.
async function reload() {
  const summary = await api.status(await session.accessToken());
  state.summary = summary;
  state.services = new Map(summary.services.map(s => [s.id, s]));
  state.incidents = new Map(summary.incidents.map(i => [i.id, i]));
  saveState(session.identity, state);
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

// Each handler saves the state it changed: the realtime client saves its positions right after, so a page reload
// restores a state and positions that match (saved-state.js).
const handlers = {
  'service-update': ({ type, data, timestamp }) => {
    if (type === 'deleted') state.services.delete(data.id);
    else state.services.set(data.id, data);
    recomputeSummary(timestamp);
    saveState(session.identity, state);
    render(data.id);
    const verb = type === 'updated' ? `→ ${STATUS_LABELS[data.status] ?? data.status}` : type;
    logEvent('service-update', `${data.name} ${verb}`, timestamp);
  },
  'incident-update': ({ type, data, timestamp }) => {
    if (type === 'deleted' || data.status === 'resolved') state.incidents.delete(data.id);
    else state.incidents.set(data.id, data);
    recomputeSummary(timestamp);
    saveState(session.identity, state);
    render();
    logEvent('incident-update', `“${data.name}” ${type === 'updated' ? data.status : type}`, timestamp);
  },
  'status-update': ({ data, timestamp }) => {
    const scope = data.tenantId ? `Tenant ${data.tenantId}` : 'Organization';
    logEvent('status-update', `${scope}: ${data.description}`, timestamp);
    // Nothing to fetch: every update reaches this page exactly once and in order (the client), so the banner
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

  // A page reload in this tab shows the state it had at once; the realtime client resumes what was pushed since.
  const restored = restoreState(session.identity);
  if (restored) {
    Object.assign(state, restored);
    render();
  }

  const showRooms = me => { $('fact-rooms').textContent = me ? me.rooms.join(', ') : '—'; };
  const online = createOnlineNow(session.identity);
  const realtime = createRealtime({
    accessToken: () => session.accessToken(),
    handlers,
    onState: (connectionState, detail) => {
      renderConnection(connectionState, detail);
      if (connectionState === 'connected') {
        showRooms(realtime.identity());
        // Presence is not resumed: after a reconnect the list is read again.
        void online.load(realtime.getPresence);
      }
      if (connectionState === 'reconnecting') logEvent('connection', 'Connection lost, reconnecting…');
      if (connectionState === 'disconnected') logEvent('connection', 'Disconnected, retrying shortly');
    },
    loadState: () => reload(),
    onRecovery: report => {
      // The server replayed what was missed (or the state was reloaded): say which.
      const message = recoveryMessage(report);
      renderRecovery(report, message);
      logEvent('connection', message);
    },
    positionsKey: positionsKey(session.identity),
    restored: restored !== null,
    onPresence: envelope => online.apply(envelope),
  });
  const me = await realtime.start();
  if (me) {
    logEvent('connection', restored ? 'Connected · state restored from this tab' : 'Connected · state loaded');
    showRooms(me);
  }
}

function recoveryMessage({ trigger, replayed, reloaded }) {
  if (trigger === 'gap') return 'Some updates could not be recovered — reloaded the latest state';
  const lead = trigger === 'restore' ? 'Page restored' : 'Reconnected';
  if (reloaded) return `${lead} — reloaded the latest state`;
  if (replayed === 0) return `${lead} — nothing was missed`;
  return `${lead} — ${replayed} missed update${replayed === 1 ? '' : 's'} applied`;
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
  if (session) forgetState(session.identity);
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

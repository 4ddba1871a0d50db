// The status page: choose who to be, then render the realtime client's state as it changes.

import { api } from './api.js';
import { createIncidentView } from './incident-view.js';
import { createOnlineNow } from './presence.js';
import { createRealtime } from './realtime.js';
import { forgetSaved, positionsKey } from './saved-state.js';
import { devSession, forgetToken, identityFromQuery, loadDemoUsers, storedToken, tokenSession, urlFor } from './session.js';
import { $, el, logEvent, renderBanner, renderConnection, renderIncidents, renderRecovery, renderServices, STATUS_LABELS } from './view.js';

// The page renders from the realtime client's keyed state: in each room it holds (the organization's, the viewer's
// tenant's; an admin's: every tenant's) the services and open incidents under their ids and the scope's summary under
// `summary`. No REST read of it, on load or after a reconnect: the client has the latest values, and keeps them across
// reconnects and page reloads.
const SUMMARY_KEY = 'summary';
const rooms = new Set();
let realtime;
let session;
let demoUsers = null;
let changedId = null;
let renderQueued = false;
let incidentView = null;

const sortServices = services => [...services].sort((a, b) =>
  (a.group === null) - (b.group === null) || (a.group ?? '').localeCompare(b.group ?? '') ||
  a.position - b.position || a.name.localeCompare(b.name));

const RANK = ['none', 'maintenance', 'minor', 'major', 'critical'];

function render() {
  renderQueued = false;
  const services = [];
  const incidents = [];
  const summaries = [];
  shown = new Map();
  for (const room of rooms) {
    for (const [key, value] of realtime.state(room)) {
      shown.set(`${room} ${key}`, value);
      // Services and incidents share a room's keys (their ids); an incident is the one with an impact.
      if (key === SUMMARY_KEY) summaries.push(value);
      else if ('impact' in value) incidents.push(value);
      else services.push(value);
    }
  }

  // The viewer's banner is the worst summary of its rooms: each is its scope's worst service or open incident.
  const worst = summaries.reduce((a, b) => (RANK.indexOf(b.indicator) > RANK.indexOf(a.indicator) ? b : a),
    { indicator: 'none', description: 'All Systems Operational', updatedAt: new Date().toISOString() });
  const updatedAt = summaries.map(s => s.updatedAt).sort().at(-1) ?? worst.updatedAt;
  renderBanner({ ...worst, updatedAt });
  const sorted = sortServices(services);
  renderServices(sorted, changedId);
  renderIncidents(incidents.sort((a, b) => b.createdAt.localeCompare(a.createdAt)), new Map(sorted.map(s => [s.id, s])));
  changedId = null;
  for (const room of rooms) if (realtime.holdsState(room)) rendered.add(room);
  incidentView?.stateChanged();
}

/** The open incident of that id in the page's state, or undefined. */
function findIncident(id) {
  for (const room of rooms) {
    const value = realtime.state(room).get(id);
    if (value && 'impact' in value) return value;
  }
  return undefined;
}

// The incident view follows the address (#incident/{id}), so it can be linked, reloaded and closed with Back.
function route() {
  if (!incidentView) return;
  const match = /^#incident\/(.+)$/.exec(location.hash);
  if (match) void incidentView.open(decodeURIComponent(match[1]));
  else void incidentView.close();
}

// A whole state arrives as one change per key: render once after them.
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(render);
}

// What the last render showed of each key (`room key` → value): names a removed service in the log.
let shown = new Map();

// A room's whole state arrives as one change per key before its first render: the log starts after that.
const rendered = new Set();

function onStateChanged({ room, key, value, removed }) {
  if (!rooms.has(room)) return;
  if (!removed && key !== SUMMARY_KEY) changedId = key;
  if (rendered.has(room)) logChange(key, removed ? shown.get(`${room} ${key}`) : value, removed);
  scheduleRender();
}

// The log shows the state changes this page got: a flapping service's merged flips appear as they reached it, at
// most StateUpdatesPerSecondPerKey a second. An incident's are logged from its `incident-update` events instead.
function logChange(key, value, removed) {
  if (!value) return;
  if (key === SUMMARY_KEY) {
    logEvent('status', `${value.tenantId ? `Tenant ${value.tenantId}` : 'Organization'}: ${value.description}`);
  } else if (!('impact' in value)) {
    logEvent('service', `${value.name} ${removed ? 'removed' : `→ ${STATUS_LABELS[value.status] ?? value.status}`}`);
  }
}

const isAdmin = identity => identity.role === 'admin' || identity.role === 'platform-admin';

// An admin holds its tenants' rooms only once it reads them: those that exist at load, and any tenant in which a
// service or incident is created later (`tenant-update`, which admins receive for every tenant).
function watchTenant(tenantId) {
  if (!tenantId || !isAdmin(session.identity)) return;
  const room = `tenant:${session.identity.organizationId}:${tenantId}`;
  if (rooms.has(room)) return;
  rooms.add(room);
  if (realtime.holdsState(room)) scheduleRender();
  else realtime.loadState(room).then(scheduleRender, error => console.error(`Reading ${room} failed`, error));
}

// The broadcasts are events, things that happened: an incident's update (logged) and a resource created in a tenant.
const handlers = {
  'incident-update': envelope => {
    // The incident's topic (an open incident view) gets the same update as the scope's room: logged once.
    if (envelope.scope === 'topic') {
      incidentView?.apply(envelope);
      return;
    }
    const { type, data, timestamp } = envelope;
    logEvent('incident-update', `“${data.name}” ${type === 'updated' ? data.status : type}`, timestamp);
  },
  'tenant-update': ({ data }) => watchTenant(data.tenantId),
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
  const online = createOnlineNow(session.identity);
  let restored = false;
  realtime = createRealtime({
    accessToken: () => session.accessToken(),
    handlers,
    onStateChanged,
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
    onRecovery: report => {
      restored ||= report.trigger === 'restore';
      const message = recoveryMessage(report);
      renderRecovery(report, message);
      logEvent('connection', message);
    },
    onEventsMissed: () => logEvent('connection', 'Some events could not be replayed to this log; the state shown is current'),
    positionsKey: positionsKey(session.identity),
    onPresence: envelope => online.apply(envelope),
  });
  const me = await realtime.start();
  if (me) {
    for (const room of me.rooms) rooms.add(room);
    render();
    logEvent('connection', restored ? 'Connected · state restored from this tab' : 'Connected · state received');
    showRooms(me);
    if (isAdmin(session.identity)) {
      for (const tenantId of await api.tenants(await session.accessToken())) watchTenant(tenantId);
    }
    incidentView = createIncidentView({ identity: session.identity, subscribe: realtime.subscribe, find: findIncident });
    route();
  }
}

function recoveryMessage({ trigger, replayed, whole }) {
  const lead = trigger === 'restore' ? 'Page restored' : 'Reconnected';
  if (whole) return `${lead} — the server sent its whole state`;
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
      await api.tenants(await candidate.accessToken()); // checks the token
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
$('incident-view-close').addEventListener('click', () => {
  history.pushState(null, '', location.pathname + location.search);
  route();
});
window.addEventListener('hashchange', route);

$('switch-user').addEventListener('click', () => {
  forgetToken();
  if (session) forgetSaved(session.identity);
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

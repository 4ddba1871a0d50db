// Rendering only: state in, DOM out. Text always goes through textContent, never innerHTML (names are user data).

export const STATUS_LABELS = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const $ = id => document.getElementById(id);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'className') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(iso).toLocaleString();
}

const clock = iso => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function renderBanner(summary) {
  $('banner').dataset.indicator = summary.indicator;
  $('banner-text').textContent = summary.description;
  $('banner-sub').textContent = `Last change ${ago(summary.updatedAt)} · this page updates itself`;
}

export function renderServices(services, changedId) {
  const container = $('services');
  const groups = new Map();
  for (const service of services) {
    const name = service.group || 'Other services';
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(service);
  }

  container.replaceChildren(...[...groups].map(([name, members]) => {
    const worst = members.some(s => s.status !== 'operational');
    return el('div', { className: 'card service-group' },
      el('div', { className: 'group-head' }, name,
        el('span', { className: 'muted small' }, worst ? `${members.filter(s => s.status !== 'operational').length} affected` : 'All operational')),
      members.map(service => el('div', {
        className: service.id === changedId ? 'service flash' : 'service',
        'data-service-id': service.id,
      },
        el('div', {},
          el('div', { className: 'service-name' }, service.name,
            service.tenantId ? el('span', { className: 'tenant-tag' }, service.tenantId) : null),
          service.description ? el('div', { className: 'service-desc' }, service.description) : null),
        el('span', { className: 'status', 'data-status': service.status }, STATUS_LABELS[service.status] ?? service.status))));
  }));
  $('services-empty').hidden = services.length > 0;
}

export function renderIncidents(incidents, servicesById) {
  $('incidents-section').hidden = incidents.length === 0;
  $('incidents').replaceChildren(...incidents.map(incident => el('article', {
    className: 'card incident', 'data-incident-id': incident.id, 'data-impact': incident.impact,
  },
    el('div', { className: 'incident-head' },
      el('h3', {}, el('a', { href: `#incident/${encodeURIComponent(incident.id)}`, className: 'incident-link' }, incident.name)),
      el('span', { className: 'badge', 'data-status': incident.status }, incident.status)),
    el('div', { className: 'incident-meta' },
      `Opened ${ago(incident.createdAt)} · impact ${incident.impact}`,
      incident.tenantId ? ` · ${incident.tenantId}` : ''),
    el('ol', { className: 'timeline' }, [...incident.updates].reverse().map(update => el('li', {},
      el('strong', {}, update.status), ' — ', update.body,
      el('time', { datetime: update.createdAt }, `${ago(update.createdAt)} · ${clock(update.createdAt)}`)))),
    incident.affectedServiceIds.length ? el('div', { className: 'affected' }, 'Affects',
      incident.affectedServiceIds.map(id => el('span', { className: 'chip' }, servicesById.get(id)?.name ?? id))) : null)));
}

export function renderConnection(state, detail) {
  const labels = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', disconnected: 'Offline' };
  $('connection').dataset.state = state;
  $('connection-label').textContent = labels[state];
  $('connection').title = detail ? `${labels[state]}: ${detail}` : labels[state];
  $('fact-connection').textContent = state === 'connected' ? 'WebSocket, pushed by the server' : labels[state];
}

let noticeTimer = null;

/**
 * What a reconnect recovered: a toast that fades after a while, and the same line kept in the side card.
 * `data-kind` is "resumed" (the keys changed meanwhile applied) or "whole" (the server sent its whole state).
 */
export function renderRecovery({ whole, replayed }, message) {
  const notice = $('recovery-notice');
  notice.dataset.kind = whole ? 'whole' : 'resumed';
  notice.dataset.replayed = String(replayed);
  $('recovery-text').textContent = message;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, 12000);
  $('fact-recovery').textContent = `${message} (${clock(new Date().toISOString())})`;
}

const MAX_LOG = 8;

export function logEvent(name, text, timestamp = new Date().toISOString()) {
  const log = $('event-log');
  log.prepend(el('li', { className: 'event-new', 'data-event': name },
    el('time', { datetime: timestamp }, clock(timestamp)),
    el('span', { className: 'event-name' }, name), text));
  while (log.children.length > MAX_LOG) log.lastElementChild.remove();
  $('event-log-empty').hidden = true;
}

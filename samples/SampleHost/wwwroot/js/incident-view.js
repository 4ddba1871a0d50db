// The incident view (#incident/{id}): one incident's detail and updates, and who else has it open. It subscribes to the
// incident's topic (incident:{id}, in its tenant or, organization-wide, its organization): the incident's updates come
// as the topic's `incident-update` events, and the host tracks the topic's presence, so the subscription's presence()
// lists the viewers (kept by the client across reconnects). Closing the view unsubscribes; the others see this user go
// once the host's presence debounce has passed.

import { $, el, STATUS_LABELS } from './view.js';

const TOPIC_PREFIX = 'incident:';

/**
 * @param {object} options
 * @param {{userId: string}} options.identity  Who this page is (left out of "also viewing").
 * @param {(request: object) => Promise<any>} options.subscribe  The realtime client's `subscribe`.
 * @param {(id: string) => any} options.find  The incident held in the page's state, or undefined.
 */
export function createIncidentView({ identity, subscribe, find }) {
  let current = null; // {id, incident, subscription, stop}
  let opened = 0; // the latest open(): an older one still subscribing gives its subscription back

  async function open(id) {
    if (current?.id === id) return;
    await close();
    const incident = find(id);
    const call = ++opened;
    const view = { id, incident, subscription: null, stop: () => {} };
    current = view;
    $('incident-view').hidden = false;
    $('incident-view').dataset.incidentId = id;
    if (!incident) {
      renderMissing(id);
      return;
    }
    renderIncident(incident);
    renderViewers(null, 'Connecting…');
    $('incident-view-title').focus();

    let subscription;
    try {
      subscription = await subscribe(incident.tenantId
        ? { scope: 'tenant', topic: TOPIC_PREFIX + id, organizationId: incident.organizationId, tenantId: incident.tenantId }
        : { scope: 'organization', topic: TOPIC_PREFIX + id, organizationId: incident.organizationId });
    } catch (error) {
      // A member may not subscribe to organization topics (the default authorizer): the detail still follows the
      // page's state, without the viewers.
      if (current === view) renderViewers(null, String(error?.message).includes('forbidden:') ? 'Not shown for organization-wide incidents' : 'Unavailable right now');
      return;
    }
    if (call !== opened || current !== view) {
      await subscription.unsubscribe();
      return;
    }
    view.subscription = subscription;
    view.stop = subscription.onPresenceChanged(presence => renderViewers(presence));
    renderViewers(subscription.presence(), subscription.presenceError ? 'Unavailable right now' : undefined);
  }

  async function close() {
    const view = current;
    current = null;
    opened++;
    $('incident-view').hidden = true;
    delete $('incident-view').dataset.incidentId;
    if (!view) return;
    view.stop();
    try {
      await view.subscription?.unsubscribe();
    } catch (error) {
      console.warn('Leaving the incident topic failed', error);
    }
  }

  /** The topic's `incident-update` events: the incident as it is now. */
  function apply(envelope) {
    if (!current || envelope.topic !== TOPIC_PREFIX + current.id) return;
    if (envelope.type === 'deleted') {
      renderMissing(current.id, 'This incident was deleted.');
      return;
    }
    current.incident = envelope.data;
    renderIncident(envelope.data);
  }

  /** The page's state changed: without the topic (refused), the detail follows it instead. */
  function stateChanged() {
    if (!current || current.subscription) return;
    const incident = find(current.id);
    if (incident) {
      current.incident = incident;
      renderIncident(incident);
    }
  }

  function renderIncident(incident) {
    $('incident-view-title').textContent = incident.name;
    $('incident-view-status').textContent = STATUS_LABELS[incident.status] ?? incident.status;
    $('incident-view-status').dataset.status = incident.status;
    $('incident-view-meta').textContent = `Impact ${incident.impact}${incident.tenantId ? ` · ${incident.tenantId}` : ' · organization-wide'}`;
    $('incident-view-updates').replaceChildren(...[...incident.updates].reverse().map(update => el('li', { 'data-update-id': update.id },
      el('strong', {}, update.status), ' — ', update.body,
      el('time', { datetime: update.createdAt }, new Date(update.createdAt).toLocaleTimeString()))));
  }

  function renderMissing(id, message = 'This incident is not open (resolved, deleted, or not yours to see).') {
    $('incident-view-title').textContent = `Incident ${id}`;
    $('incident-view-status').textContent = '';
    $('incident-view-meta').textContent = message;
    $('incident-view-updates').replaceChildren();
    renderViewers(null, '—');
  }

  /** Who else is viewing: the topic's users but this one, by name. */
  function renderViewers(presence, note) {
    const others = presence ? presence.users.filter(user => user.userId !== identity.userId) : [];
    const list = $('incident-viewers');
    list.dataset.count = String(others.length);
    list.replaceChildren(...others.map(user => el('li', { 'data-user-id': user.userId },
      el('span', { className: 'avatar', 'aria-hidden': 'true' }, initials(user.displayName ?? user.userId)),
      el('span', {}, user.displayName ?? user.userId))));
    $('incident-viewers-note').textContent = note
      ?? (presence?.countsOnly ? `${presence.userCount - 1} others are viewing` : others.length === 0 ? 'Nobody else is viewing this incident' : '');
  }

  return { open, close, apply, stateChanged, get openId() { return current?.id ?? null; } };
}

const initials = name => name.split(/\s+/).filter(Boolean).map(part => part[0]).join('').slice(0, 2).toUpperCase();

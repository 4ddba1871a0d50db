// The page's state kept in this tab's sessionStorage, next to the realtime client's room positions, so a page reload
// shows the state at once and resumes what was pushed meanwhile instead of fetching everything again. The two only
// make sense together: the positions say which pushes the saved state already contains. So the state is saved
// after every applied push (the client saves the positions right after the handler), and a page without a saved
// state drops the positions too — resuming from them onto a freshly loaded state would skip what it lacks.

const PREFIX = 'tenantrealtime.sample';

/** One key per identity and tab: two users in one browser profile never share positions or state. */
function keyFor(kind, identity) {
  return `${PREFIX}.${kind}:${identity.organizationId}/${identity.tenantId ?? ''}/${identity.userId}/${identity.role}`;
}

/** The sessionStorage key the realtime client keeps this identity's positions under. */
export const positionsKey = identity => keyFor('positions', identity);

/**
 * The state saved by this tab for this identity, or null. Without one (or with no positions to go with it) the
 * positions are dropped as well, so the page loads its state over REST and the client starts from the server's.
 */
export function restoreState(identity) {
  const text = sessionStorage.getItem(keyFor('state', identity));
  const saved = text && sessionStorage.getItem(positionsKey(identity)) ? parse(text) : null;
  if (!saved) {
    forgetState(identity);
    return null;
  }
  return {
    summary: saved.summary,
    services: new Map(saved.services.map(s => [s.id, s])),
    incidents: new Map(saved.incidents.map(i => [i.id, i])),
  };
}

export function saveState(identity, state) {
  const { services: _services, incidents: _incidents, ...summary } = state.summary;
  sessionStorage.setItem(keyFor('state', identity), JSON.stringify({
    summary, services: [...state.services.values()], incidents: [...state.incidents.values()],
  }));
}

/** Drops the saved state and the positions (a state being loaded, or another user chosen). */
export function forgetState(identity) {
  sessionStorage.removeItem(keyFor('state', identity));
  sessionStorage.removeItem(positionsKey(identity));
}

function parse(text) {
  try {
    const saved = JSON.parse(text);
    return saved && saved.summary && Array.isArray(saved.services) && Array.isArray(saved.incidents) ? saved : null;
  } catch {
    return null; // written by another version of the page: load afresh
  }
}

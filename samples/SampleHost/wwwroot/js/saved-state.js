// Where the realtime client keeps this tab's rooms: their positions and their keyed state (values, epoch, version)
// in sessionStorage, so a page reload renders at once and resumes only what changed meanwhile.

const PREFIX = 'tenantrealtime.sample';

/** One key per identity and tab: two users in one browser profile never share positions or state. */
export const positionsKey = identity =>
  `${PREFIX}.positions:${identity.organizationId}/${identity.tenantId ?? ''}/${identity.userId}/${identity.role}`;

/** Drops what the client saved for this identity (another user chosen). */
export function forgetSaved(identity) {
  sessionStorage.removeItem(positionsKey(identity));
  sessionStorage.removeItem(`${positionsKey(identity)}:states`); // the client's `<key>:states`
}

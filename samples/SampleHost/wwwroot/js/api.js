// Small fetch helpers for the REST API. Errors are RFC 7807 problem details; their text is surfaced as is.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function request(method, url, { token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const payload = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

export const api = {
  tenants: token => request('GET', '/api/status/tenants', { token }),
  demoUsers: () => request('GET', '/api/dev/users'),
  devToken: identity => request('POST', '/api/dev/token', { body: identity }),
};

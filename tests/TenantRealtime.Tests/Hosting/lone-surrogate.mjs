// The official JavaScript client sends a lone surrogate as the reproduction does
// (conn.invoke('JoinOrganization', {organizationId: '\ud800'})), in a value and in a field name, to every hub method
// that takes an argument, then pings. Run by FuzzTests: node lone-surrogate.mjs <repo> <hubUrl> <token>; prints one
// JSON line: {errors: {<case>: message}, ping}.
import { createRequire } from 'node:module';
import path from 'node:path';

const [, , repo, hubUrl, token] = process.argv;
const require = createRequire(path.join(repo, 'samples', 'SampleHost', 'package.json'));
const signalR = require('@microsoft/signalr');

const connection = new signalR.HubConnectionBuilder()
  .withUrl(hubUrl, { accessTokenFactory: () => token })
  .configureLogging(signalR.LogLevel.None)
  .build();
await connection.start();

const cases = {
  'JoinOrganization value': ['JoinOrganization', { organizationId: '\ud800' }],
  'LeaveOrganization value': ['LeaveOrganization', { organizationId: 'org\udc00' }],
  'Authenticate value': ['Authenticate', { userRole: '\udfff\ud800' }],
  'GetPresence value': ['GetPresence', { scope: 'tenant', tenantId: '\ud800' }],
  'Resume value': ['Resume', { positions: [{ room: 'all', epoch: '\ud800', seq: 0 }] }],
  'GetState value': ['GetState', { room: 'org:\udc00' }],
  'Resume states value': ['Resume', { positions: [], states: [{ room: '\ud800all', epoch: 'e', version: 0 }] }],
  'JoinOrganization name': ['JoinOrganization', { organizationId: 'org-a', '\ud800': 1 }],
  'Subscribe value': ['Subscribe', { scope: 'tenant', topic: 'incident:\ud800' }],
  'Unsubscribe value': ['Unsubscribe', { topics: [{ scope: 'organization', topic: 'ops', organizationId: 'org\udc00' }] }],
};
const errors = {};
for (const [name, [method, argument]] of Object.entries(cases)) {
  try {
    await connection.invoke(method, argument);
    errors[name] = null;
  } catch (error) {
    errors[name] = error.message;
  }
}

const ping = await connection.invoke('Ping');
await connection.stop();
console.log(JSON.stringify({ errors, ping: typeof ping.timestamp === 'string' }));

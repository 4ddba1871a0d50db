// Real servers for the tests: TenantRealtime.TestHost (built by `dotnet build TenantRealtime.sln -c Release`) as
// child processes on 127.0.0.1 with OS-chosen ports, and redis-server on a free port. Every process stops when its
// stdin closes or the test process exits, so a dying run leaves nothing behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const hostDll = path.join(repoRoot, 'tests/TenantRealtime.TestHost/bin/Release/net10.0/TenantRealtime.TestHost.dll');

export const jwtSettings = { key: 'tenantrealtime-js-client-tests-signing-key-0123456789', issuer: 'js-tests', audience: 'tenantrealtime' };

const children = new Set();
process.on('exit', () => { for (const child of children) child.kill('SIGKILL'); });

/**
 * Starts a TestHost with JWT; options: redis ("127.0.0.1:port"), channelPrefix, historyMaxMessages, maxConnectsPerSecond,
 * presence (true: presence on, display names from the `name` claim, a debounce window of 500 ms), clockSkewSeconds
 * (how long JwtBearer still accepts an expired token; 0 by default, 300 is its own default), topicPresence (topic
 * prefixes whose topics track presence, comma-separated, e.g. "viewing:"; display names from `name`, a 500 ms debounce).
 */
export async function startHost({ redis, channelPrefix, historyMaxMessages, maxConnectsPerSecond, presence, clockSkewSeconds, topicPresence } = {}) {
  if (!existsSync(hostDll)) throw new Error(`${hostDll} is missing: run dotnet build TenantRealtime.sln -c Release first.`);
  const args = [hostDll, '--StopWhenStdinCloses=true',
    `--Jwt:Key=${jwtSettings.key}`, `--Jwt:Issuer=${jwtSettings.issuer}`, `--Jwt:Audience=${jwtSettings.audience}`];
  if (redis) args.push(`--Redis=${redis}`);
  if (channelPrefix) args.push(`--ChannelPrefix=${channelPrefix}`);
  if (historyMaxMessages) args.push(`--HistoryMaxMessages=${historyMaxMessages}`);
  if (maxConnectsPerSecond) args.push(`--MaxConnectsPerSecond=${maxConnectsPerSecond}`);
  if (clockSkewSeconds) args.push(`--Jwt:ClockSkewSeconds=${clockSkewSeconds}`);
  if (presence) args.push('--TenantRealtime:EnablePresence=true');
  if (topicPresence) args.push(`--PresenceTopicPrefixes=${topicPresence}`);
  if (presence || topicPresence) {
    args.push('--TenantRealtime:PresenceDisplayNameClaimType=name', '--TenantRealtime:PresenceDebounce=00:00:00.500');
  }
  const child = spawn('dotnet', args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  children.add(child);
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`TestHost did not start:\n${output}`)), 30_000);
    const onData = chunk => {
      output += chunk;
      const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', chunk => { output += chunk; });
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`TestHost exited with ${code}:\n${output}`)); });
  });
  return {
    url,
    hubUrl: `${url}/hubs/realtime`,
    /** What the host logged so far, for a failing test to show. */
    output: () => output,
    async stop() {
      children.delete(child);
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function freePort() {
  const server = net.createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Starts redis-server on 127.0.0.1 and a free port, without persistence; resolves once it answers PING. */
export async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.add(child);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pong = await new Promise(resolve => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.on('data', data => { socket.destroy(); resolve(data.toString().startsWith('+PONG')); });
      socket.on('error', () => resolve(false));
    });
    if (pong) break;
    if (Date.now() > deadline) throw new Error('redis-server did not answer');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return {
    address: `127.0.0.1:${port}`,
    async stop() {
      children.delete(child);
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A TCP proxy in front of a server, to cut a client's network: `cut()` destroys every open connection (both ends
 * see it at once, as when a network drops) and refuses new ones until `restore()`; `retarget(url)` points new
 * connections at another server.
 */
export async function startProxy(targetUrl) {
  let target = new URL(targetUrl);
  const sockets = new Set();
  let down = false;
  const server = net.createServer(client => {
    if (down) { client.destroy(); return; }
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      sockets.add(a);
      a.on('close', () => { sockets.delete(a); b.destroy(); });
      a.on('error', () => b.destroy());
      a.pipe(b);
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    hubUrl: `${url}/hubs/realtime`,
    cut() { down = true; for (const socket of sockets) socket.destroy(); },
    restore() { down = false; },
    /** Sends new connections to another server (a client switched to another server after a cut). */
    retarget(url) { target = new URL(url); },
    async stop() { this.cut(); await new Promise(resolve => server.close(resolve)); },
  };
}

// The package as a user gets it: `npm pack`, installed from the tarball into a fresh project with the pinned
// typescript and @microsoft/signalr, the README's snippet compiled there with `tsc --strict` (the package's .d.ts
// checked too: skipLibCheck off), then run against a live server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { broadcastItem, mintToken, newTenant, waitFor } from './support/helpers.mjs';
import { repoRoot, startHost } from './support/servers.mjs';

const run = promisify(execFile);
const packageDir = path.join(repoRoot, 'clients/typescript');
const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));

/** The README's TypeScript between its consumer-snippet markers. */
function readmeSnippet() {
  const readme = readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  const match = /<!-- consumer-snippet:start -->\s*```ts\n([\s\S]*?)```\s*<!-- consumer-snippet:end -->/.exec(readme);
  assert.ok(match, 'README.md has the marked snippet');
  return match[1];
}

let work;
let host;
before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'tenantrealtime-consumer-'));
  host = await startHost();
});
after(async () => {
  await host?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the packed package installs, the README snippet compiles with tsc --strict and receives a broadcast', { timeout: 180_000 }, async () => {
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: packageDir });
  const tarball = path.join(work, stdout.trim().split('\n').at(-1));
  assert.match(path.basename(tarball), new RegExp(`^tenantrealtime-client-${manifest.version.replaceAll('.', '\\.')}\\.tgz$`));

  const project = path.join(work, 'app');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({
    name: 'consumer', private: true, type: 'module',
    dependencies: {
      '@tenantrealtime/client': `file:${tarball}`,
      '@microsoft/signalr': manifest.peerDependencies['@microsoft/signalr'],
      typescript: manifest.devDependencies.typescript,
    },
  }, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project });

  writeFileSync(path.join(project, 'items.ts'), readmeSnippet());
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'nodenext', moduleResolution: 'nodenext',
      types: [], rootDir: '.', outDir: 'out', skipLibCheck: false,
    },
    files: ['items.ts'],
  }, null, 2));
  await run(path.join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--strict'], { cwd: project })
    .catch(error => assert.fail(`tsc --strict failed:\n${error.stdout}${error.stderr}`));

  // Run the compiled snippet against the live server: load, then a broadcast updates the map.
  const tenant = newTenant();
  const { connectItems } = await import(path.join(project, 'out/items.js'));
  const loaded = [{ id: 'a', name: 'loaded', count: 1 }];
  const originalInfo = console.info;
  console.info = () => {};
  try {
    const { client, items } = await connectItems(host.hubUrl, async () => mintToken(tenant), async () => loaded);
    assert.equal(client.status, 'connected');
    assert.deepEqual([...items.values()], loaded);
    await broadcastItem(host.url, tenant, { id: 'b', name: 'live', count: 2 });
    await waitFor(() => items.has('b'), 'the live item');
    assert.deepEqual(items.get('b'), { id: 'b', name: 'live', count: 2 });
    await client.stop();
  } finally {
    console.info = originalInfo;
  }
});
